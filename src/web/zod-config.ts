// Imported first by main.tsx, before any schema is built: zod compiles object parsers with
// `new Function` unless told not to, and its probe for that (`Function("")`) is a CSP `eval`
// violation on every load under `script-src 'self'` (no 'unsafe-eval'). Jitless parsing is the
// same validation without generated code. (The Worker needs nothing: zod skips eval on workerd.)
import { z } from "zod";

z.config({ jitless: true });
