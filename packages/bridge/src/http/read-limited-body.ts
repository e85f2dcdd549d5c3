/**
 * Reads a request body, counting bytes as they arrive (chunked bodies have no declared length): past `maxBytes`
 * it stops reading and fails with a 413, so no more than the limit is ever held in memory.
 */
export function readLimitedBody(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        stream.pause();
        reject(Object.assign(new Error(`the upload exceeds ${maxBytes} bytes`), { statusCode: 413 }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(Object.assign(error, { statusCode: 400 }));
    };
    const cleanup = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
