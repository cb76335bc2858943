// The messages between the text-generation page (main.ts) and its training worker (worker.ts). No neurite
// here: the page's thread never loads it.

export type ToWorker =
  /** Fetch the text at this address, build the model and pick the window samples continue; sample at this temperature. */
  | { type: 'load'; url: string; temperature: number }
  /** Train this many more epochs, with a sample written after each. */
  | { type: 'train'; epochs: number }
  /** Stop after the batch in training. */
  | { type: 'stop' }
  /** Samples from now on use this temperature; when idle, write one at once. */
  | { type: 'temperature'; value: number };

export type FromWorker =
  /** `frequenciesLoss`: the loss of guessing each character by its frequency in the text alone. */
  | { type: 'loaded'; characters: number; charSet: string; frequenciesLoss: number; params: number; library: string }
  /** After each batch: its loss, and how much of the epoch is done. */
  | { type: 'batch'; epoch: number; loss: number; fraction: number }
  | { type: 'epoch'; epoch: number; loss: number; samplesPerSecond: number }
  /** Text the model wrote after `epochs` epochs, continuing `seed` (a window of the text). */
  | { type: 'sample'; epochs: number; temperature: number; seed: string; text: string }
  /** Training ended (all epochs, or stopped); `tensors` is how many the worker holds. */
  | { type: 'trained'; epochs: number; stopped: boolean; tensors: number }
  | { type: 'error'; message: string };
