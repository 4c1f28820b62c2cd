import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How answers are compressed, in one place: an API answer computed (compressAnswer), the public cache (an answer
 * it keeps, compressed once per encoding and sent as it is on every hit after) and @fastify/compress (anything
 * else) use the same encodings, threshold and quality, so a hit is byte for byte what the same answer computed
 * would be.
 * Brotli at quality 4 costs about as much CPU as gzip's default and compresses better; 11 is for the build.
 */
export const ENCODINGS = ['br', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];
/** Answers smaller than this go out as they are. */
export const COMPRESS_THRESHOLD = 1024;
export const BROTLI_QUALITY = 4;

/** The options @fastify/compress is registered with. */
export const compressOptions = {
  global: true,
  threshold: COMPRESS_THRESHOLD,
  encodings: [...ENCODINGS],
  brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
};

/** The encoding @fastify/compress would pick for this request, or null for none (its reading of the header). */
export function acceptedEncoding(request: FastifyRequest): Encoding | null {
  const header = request.headers['accept-encoding'];
  if (header === undefined || request.headers['x-no-compression'] !== undefined) return null;
  // As @fastify/compress reads it: "*" (no preference) and x-gzip mean gzip.
  const picked = negotiate(header.toLowerCase().replace(/\*|x-gzip/gu, 'gzip'), [...ENCODINGS]);
  return picked === 'br' || picked === 'gzip' ? picked : null;
}

export function compress(body: string, encoding: Encoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(body, compressOptions.brotliOptions) : gzipSync(body);
}

export function decompress(bytes: Buffer, encoding: Encoding): string {
  return (encoding === 'br' ? brotliDecompressSync(bytes) : gunzipSync(bytes)).toString('utf8');
}

/**
 * Says the answer depends on Accept-Encoding, once, beside whatever else it varies by. Every answer that could
 * be compressed says so, sent compressed or not: a shared cache that kept an identity copy without it would
 * send that copy to every client, and one with it keeps a copy per encoding.
 */
export function varyOnEncoding(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  const values = vary === undefined ? [] : Array.isArray(vary) ? vary.map(String) : [String(vary)];
  if (values.some((v) => /accept-encoding/i.test(v))) return;
  void reply.header('vary', [...values, 'accept-encoding'].join(', '));
}

/**
 * An API answer on its way out, compressed here at once when it is large enough and the client accepts an
 * encoding. @fastify/compress would do the same through a chain of streams per answer (a readable, a peek
 * stream, a duplex and a pump), which cost more than compressing a few kilobytes itself; it passes an answer
 * that already says its encoding.
 */
export function compressAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: string,
): string | Buffer {
  if (Buffer.byteLength(payload) < COMPRESS_THRESHOLD) return payload;
  varyOnEncoding(reply);
  const encoding = acceptedEncoding(request);
  if (!encoding) return payload;
  void reply.header('content-encoding', encoding);
  return compress(payload, encoding);
}
