// The training script test/progress.test.ts runs in a pseudo-terminal and through a pipe: a tiny model
// through fit, fitDataset, evaluate and predict with progress on, each part after a `#name` line of its own.

import * as tf from '../src/index.js';

await tf.ready();
const part = (name: string) => process.stdout.write(`#${name}\n`);
// Steps of a few milliseconds, so that an epoch lasts long enough for redraws between its first and last.
const slowSteps = { onBatchEnd: () => new Promise<void>((resolve) => setTimeout(resolve, 8)) };

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mae', 'mse'] });
const x = tf.randomNormal([80, 3], 0, 1, 'float32', 1);
const y = tf.randomNormal([80, 1], 0, 1, 'float32', 2);
const rows = (await x.array()) as number[][];
const targets = (await y.array()) as number[][];
const dataset = () => tf.data.zip({ xs: tf.data.array(rows), ys: tf.data.array(targets) }).batch(4) as tf.data.Dataset<tf.TensorContainer>;

part('fit');
const history = await model.fit(x, y, { epochs: 3, batchSize: 4, validationSplit: 0.25, verbose: 1, callbacks: slowSteps });
part('fit history');
process.stdout.write(`${JSON.stringify(history.history)}\n`);
part('fit default');
await model.fit(x, y, { epochs: 2, batchSize: 8 });
part('fit verbose 2');
await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 2 });
part('fitDataset');
await model.fitDataset(dataset(), { epochs: 2, verbose: 1, callbacks: slowSteps });
part('fitDataset batchesPerEpoch');
await model.fitDataset(dataset().repeat(), { epochs: 2, batchesPerEpoch: 10, verbose: 1, callbacks: slowSteps });
part('evaluate');
tf.dispose(model.evaluate(x, y, { batchSize: 4, verbose: 1 }));
part('evaluateDataset');
tf.dispose(await model.evaluateDataset(dataset(), { verbose: 1 }));
part('predict');
tf.dispose(model.predict(x, { batchSize: 16, verbose: true }));
part('end');
