/**
 * Scripted SSE: a server that answers each stream request with a script of frames, chunk
 * boundaries, stalls and cuts, for testing an SSE client (a page's native `EventSource`, or a
 * Node client) against a precise byte sequence. Imports nothing from the app. See README.md.
 */

export { cut, end, frame, hold, send, split, stall, write } from './frames';
export type { Answer, FrameFields, FrameOptions, LineEnd, Step } from './frames';
export { startScriptedSse } from './server';
export type { ScriptedConnection, ScriptedSse, ScriptedSseOptions } from './server';
