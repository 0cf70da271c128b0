/**
 * Keeps V8 from inlining calls into WebAssembly (Cedar) in optimized JavaScript. Imported for its
 * effect, first, by policy-engine.ts, so the flag is set before any caller of Cedar is optimized.
 *
 * Why: on Node 20 (V8 11.3) TurboFan inlines a JS-to-Wasm call whose signature has an externref,
 * as Cedar's exports do (`statefulIsAuthorized(call: externref) -> externref`), but the
 * deoptimizer cannot rebuild the result of such a call: when the optimized caller is deoptimized
 * lazily while the call is on the stack (a GC dropping a map the code holds weakly, or a map change
 * during the JSON.parse that Cedar calls back into JS), `TranslatedValueForWasmReturnKind` meets a
 * reference-typed result, hits UNREACHABLE and the process dies: "Fatal error ... unreachable
 * code" in `Deoptimizer::DoComputeBuiltinContinuation`. That was the intermittent crash of the API
 * on the full incident list under 20 clients (issue #7). The wrapper call not being inlined costs
 * nanoseconds against about 0.35 ms per Cedar evaluation. Test:
 * test/security/wasm-lazy-deopt.test.ts forces the lazy deopt inside a Cedar call.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-turbo-inline-js-wasm-calls');
