/** The HTTP API: `createApp(deps)`. See README.md. */
export { createApp } from './app.js';
export { SESSION_COOKIE, type ApiDeps, type RequestAuth } from './context.js';
export { DEFAULT_RATE_LIMITS, TokenBuckets, type RateLimitConfig, type BucketConfig } from './plugins/rate-limit.js';
export { PROBLEM_CONTENT_TYPE, type Problem } from './plugins/problem-json.js';
export { generateOpenApiDocument } from './openapi-document.js';
