// Types for password-hash.mjs, which the tests import.
export function passwordHash(password: string): Promise<string>;
export function temporaryPassword(): string;
