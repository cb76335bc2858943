// The TF.js guide "Training models" (tensorflow.org/js/guide/train_models), snippet by snippet: a sequential
// model's weights and summary, the weights overwritten through their variables, compile, model.fit with
// tensors and an onBatchEnd callback, model.fitDataset on zipped, shuffled and batched generator datasets,
// predict, and the same model in the Core API trained by optimizer.minimize over dataset.forEachAsync.
//
// Source: github.com/tensorflow/tfjs-website, docs/guide/train_models.md (commit
// 1af5a7f7922e92947ee3f76c49d0b1afbd29a5b1), the page's source. The code is the guide's, in its order, with
// these changes:
// - It sits inside one exported function of `tf`, so the same code runs on TF.js and on neurite. Sections
//   whose names clash with earlier ones (the guide reuses `data`, `labels`, `xs`, `ys`, `ds` and `model`
//   from snippet to snippet) are in blocks of their own; TypeScript types are added, and a cast where the
//   guide reaches `w.val`, which TF.js's LayerVariable has as a protected field.
// - The guide's promises (model.fit(...).then(...), model.fitDataset(...).then(...)) are awaited before
//   the next snippet runs: TF.js refuses a second fit while one is ongoing.
// - Added: every tensor the guide leaves behind is freed: the random weights it assigns, the data, the
//   prediction's input, the Core API's variables (and the tensors they are made from, in tf.tidy), the
//   model; the prediction is returned too.
// Random parts: the guide's data and weights are tf.randomNormal / tf.randomUniform, fit shuffles with each
// library's draws, and dataset.shuffle without a seed is seeded by the clock in TF.js: the test compares
// what is printed and what training reaches, not the numbers.

import type * as neurite from '../../src/index.js';

type TF = typeof neurite;

export async function trainingModels(tf: TF) {
  const shown: Record<string, unknown> = {};

  // Model parameters: a simple 2-layer model.
  const model = tf.sequential({
   layers: [
     tf.layers.dense({inputShape: [784], units: 32, activation: 'relu'}),
     tf.layers.dense({units: 10, activation: 'softmax'}),
   ]
  });

  model.weights.forEach(w => {
   console.log(w.name, w.shape);
  });

  model.summary();

  // Overwrite the weights by calling assign() on the underlying variables.
  model.weights.forEach(w => {
    const newVals = tf.randomNormal(w.shape);
    // w.val is an instance of tf.Variable
    (w as unknown as {val: neurite.Variable}).val.assign(newVals);
    newVals.dispose(); // added
  });

  // Optimizer, loss and metric.
  model.compile({
    optimizer: 'sgd',
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy']
  });

  // model.fit()
  {
    // Generate dummy data.
    const data = tf.randomNormal([100, 784]);
    const labels = tf.randomUniform([100, 10]);

    function onBatchEnd(batch: number, logs?: neurite.Logs) {
      console.log('Accuracy', logs!.acc);
    }

    // Train for 5 epochs with batch size of 32.
    await model.fit(data, labels, { // awaited
       epochs: 5,
       batchSize: 32,
       callbacks: {onBatchEnd}
     }).then(info => {
       console.log('Final accuracy', info.history.acc);
     });
    tf.dispose([data, labels]); // added
  }

  // model.fitDataset()
  function* data() {
   for (let i = 0; i < 100; i++) {
     // Generate one sample at a time.
     yield tf.randomNormal([784]);
   }
  }

  function* labels() {
   for (let i = 0; i < 100; i++) {
     // Generate one sample at a time.
     yield tf.randomUniform([10]);
   }
  }

  {
    const xs = tf.data.generator(data);
    const ys = tf.data.generator(labels);
    // We zip the data and labels together, shuffle and batch 32 samples at a time.
    const ds = tf.data.zip({xs, ys}).shuffle(100 /* bufferSize */).batch(32);

    // Train the model for 5 epochs.
    await model.fitDataset(ds, {epochs: 5}).then(info => { // awaited
     console.log('Accuracy', info.history.acc);
    });
  }

  // Predicting new data: 3 random samples.
  {
    const samples = tf.randomNormal([3, 784]); // added: named, to be freed
    const prediction = model.predict(samples) as neurite.Tensor; // was model.predict(tf.randomNormal([3, 784]))
    prediction.print();
    samples.dispose(); // added
    shown.prediction = prediction; // added
  }
  model.dispose(); // added

  // Core API: the same model.
  {
    // The weights and biases for the two dense layers.
    const w1 = tf.tidy(() => tf.variable(tf.randomNormal([784, 32]))); // tidy added
    const b1 = tf.tidy(() => tf.variable(tf.randomNormal([32]))); // tidy added
    const w2 = tf.tidy(() => tf.variable(tf.randomNormal([32, 10]))); // tidy added
    const b2 = tf.tidy(() => tf.variable(tf.randomNormal([10]))); // tidy added

    function model(x: neurite.Tensor) {
      return x.matMul(w1).add(b1).relu().matMul(w2).add(b2);
    }

    // Reuse the dataset defined in the model.fitDataset() section.
    const xs = tf.data.generator(data);
    const ys = tf.data.generator(labels);
    // Zip the data and labels together, shuffle and batch 32 samples at a time.
    const ds = tf.data.zip({xs, ys}).shuffle(100 /* bufferSize */).batch(32);

    // Train the model.
    const optimizer = tf.train.sgd(0.1 /* learningRate */);
    // Train for 5 epochs.
    for (let epoch = 0; epoch < 5; epoch++) {
      await ds.forEachAsync((({xs, ys}: {xs: neurite.Tensor, ys: neurite.Tensor}) => {
        optimizer.minimize(() => {
          const predYs = model(xs);
          const loss = tf.losses.softmaxCrossEntropy(ys, predYs);
          loss.data().then(l => console.log('Loss', l));
          return loss;
        });
      }) as (element: unknown) => void);
      console.log('Epoch', epoch);
    }
    tf.dispose([w1, b1, w2, b2]); // added
  }
  return shown;
}
