import * as z from 'zod';

// Imported before any schema is built: zod's JIT probes `new Function`, which the dashboard's
// Content-Security-Policy (no 'unsafe-eval', see nginx.conf) blocks and reports. The interpreted
// path validates the same way; the request rates here do not need the JIT.
z.config({ jitless: true });
