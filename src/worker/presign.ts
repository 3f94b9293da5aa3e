// Upload URLs for POST /uploads. With R2 S3 credentials configured: a SigV4-presigned PUT straight
// to R2 (the bytes never pass through the Worker). Without them (local development, tests): a
// short-lived HMAC-signed URL on this Worker whose route streams the bytes into the MEDIA binding.
import { AwsV4Signer } from "aws4fetch";
import type { AppEnv } from "../server/config";
import { randomToken } from "../server/encoding";
import { signPayload, verifyPayload } from "../server/media";

/** How long an upload URL works; the contract's clients upload right after asking. */
export const UPLOAD_URL_TTL_SECONDS = 10 * 60;
export const LOCAL_UPLOAD_PATH = "/api/v1/uploads/local/";
const LOCAL_UPLOAD_PURPOSE = "local-upload";

export interface UploadTarget {
	uploadUrl: string;
	/** Exactly the headers the client must send with its PUT (they are part of the signature). */
	headers: { "Content-Type": string; "Content-Length": string; "If-None-Match"?: "*" };
	expiresAt: string;
}

export interface R2S3Credentials {
	accountId: string;
	bucketName: string;
	accessKeyId: string;
	secretAccessKey: string;
}

/** `u/<uploader>/<32 base64url chars>`: namespaced by uploader (see uploaderOfKey) and unguessable. */
export function newUploadKey(uploaderId: string): string {
	return `u/${uploaderId}/${randomToken(24)}`;
}

/** The S3 credentials when all four settings are present, else null (local mode). */
export function r2S3Credentials(env: AppEnv): R2S3Credentials | null {
	const accountId = env.R2_ACCOUNT_ID?.trim();
	const bucketName = env.R2_BUCKET_NAME?.trim();
	const accessKeyId = env.R2_ACCESS_KEY_ID?.trim();
	const secretAccessKey = env.R2_SECRET_ACCESS_KEY?.trim();
	if (!accountId || !bucketName || !accessKeyId || !secretAccessKey) return null;
	return { accountId, bucketName, accessKeyId, secretAccessKey };
}

const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

/**
 * A presigned R2 PUT with Content-Type, Content-Length and `If-None-Match: *` in the signature:
 * R2 refuses any other type or size, and refuses (412) a second PUT of the same URL once an
 * object exists, so the bytes cannot be replaced after they were checked.
 */
export async function presignR2Put(
	creds: R2S3Credentials,
	key: string,
	contentType: string,
	size: number,
	now = Date.now(),
	ttlSeconds = UPLOAD_URL_TTL_SECONDS,
): Promise<string> {
	const url = new URL(`https://${creds.accountId}.r2.cloudflarestorage.com/${creds.bucketName}/${encodeKey(key)}`);
	url.searchParams.set("X-Amz-Expires", String(ttlSeconds));
	const signer = new AwsV4Signer({
		method: "PUT",
		url: url.toString(),
		headers: r2PutHeaders(contentType, size),
		accessKeyId: creds.accessKeyId,
		secretAccessKey: creds.secretAccessKey,
		service: "s3",
		region: "auto",
		datetime: new Date(now).toISOString().replace(/[:-]|\.\d{3}/g, ""),
		signQuery: true,
		// aws4fetch leaves content-type and content-length unsigned by default; they are the point here.
		allHeaders: true,
	});
	const signed = await signer.sign();
	return signed.url.toString();
}

const r2PutHeaders = (contentType: string, size: number) =>
	({ "Content-Type": contentType, "Content-Length": String(size), "If-None-Match": "*" }) as const;

const localPayload = (key: string, size: number, contentType: string, exp: number) =>
	`${key}\n${size}\n${contentType}\n${exp}`;

export async function signLocalUploadUrl(
	env: AppEnv,
	origin: string,
	key: string,
	contentType: string,
	size: number,
	exp: number,
): Promise<string> {
	const sig = await signPayload(env, LOCAL_UPLOAD_PURPOSE, localPayload(key, size, contentType, exp));
	return `${origin}${LOCAL_UPLOAD_PATH}${encodeKey(key)}?exp=${exp}&sig=${sig}`;
}

/** True when `sig` signs exactly this key, size, type and expiry, and the expiry has not passed. */
export async function verifyLocalUploadUrl(
	env: AppEnv,
	upload: { key: string; size: number; contentType: string },
	exp: string | undefined,
	sig: string | undefined,
): Promise<boolean> {
	const expSeconds = Number(exp);
	if (!sig || !Number.isInteger(expSeconds) || expSeconds * 1000 < Date.now()) return false;
	const payload = localPayload(upload.key, upload.size, upload.contentType, expSeconds);
	return verifyPayload(env, LOCAL_UPLOAD_PURPOSE, payload, sig);
}

/** Where and how the client PUTs the bytes of `key`: straight to R2 in production, else through this Worker. */
export async function createUploadTarget(
	env: AppEnv,
	origin: string,
	key: string,
	contentType: string,
	size: number,
	now = Date.now(),
): Promise<UploadTarget> {
	const exp = Math.floor(now / 1000) + UPLOAD_URL_TTL_SECONDS;
	const creds = r2S3Credentials(env);
	const uploadUrl = creds
		? await presignR2Put(creds, key, contentType, size, now)
		: await signLocalUploadUrl(env, origin, key, contentType, size, exp);
	return {
		uploadUrl,
		// The local route claims the upload in D1 instead of asking for If-None-Match.
		headers: creds ? r2PutHeaders(contentType, size) : { "Content-Type": contentType, "Content-Length": String(size) },
		expiresAt: new Date(exp * 1000).toISOString(),
	};
}
