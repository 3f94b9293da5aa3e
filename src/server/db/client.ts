// drizzle over the D1 binding, for the queries that read well as query builders. Queries that
// read better as SQL (json_each, RETURNING with CASE, correlated subqueries) stay prepared
// statements in the same per-table modules.
import { drizzle } from "drizzle-orm/d1";
import type { AppEnv } from "../config";
import * as schema from "./schema";

export const orm = (env: AppEnv) => drizzle(env.DB, { schema });
