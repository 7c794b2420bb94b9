// Where a worker posts its protocol messages (the parent port in production; a stub in unit tests).
import type { WorkerMessage } from '../protocol/messages.js';

export type PostWorkerMessage = (message: WorkerMessage) => void;
