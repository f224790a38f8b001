/**
 * Worker thread of the parallel JSONL reader: receives pieces of a file (whole lines) and
 * answers each with its parsed, validated columns, keys and problems (`jsonl-piece.ts`).
 * Started by `jsonl-parallel.ts`; not meant to be loaded otherwise.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parsePiece, pieceBuffers, type PieceOptions } from "./jsonl-piece";

export interface PieceRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly first: boolean;
  readonly last: boolean;
}

const port = parentPort;
if (port !== null) {
  const options = workerData as PieceOptions;
  port.on("message", (req: PieceRequest) => {
    const result = parsePiece(req.bytes, req.first, req.last, options);
    // The piece's buffer goes back too, for the main thread to read the next piece into.
    const spare = req.bytes.buffer as ArrayBuffer;
    const message = { id: req.id, result, spare };
    try {
      port.postMessage(message, [...pieceBuffers(result), spare]);
    } catch {
      port.postMessage(message); // a buffer that cannot be transferred is copied instead
    }
  });
  port.postMessage({ ready: true });
}
