// tfjs-examples' polynomial-regression (the layers-API version): points of a cubic, normalised powers of x
// as features, a functional model (tf.input, a dense layer without bias and with kernelInitializer 'Zeros',
// apply, tf.model) fitted with SGD in one batch, then its curve drawn over the points.
//
// Source: github.com/tensorflow/tfjs-examples, polynomial-regression/index.js and index.html (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (comments kept, TypeScript
// types added), with these changes:
// - It sits inside one exported function of `tf`, so the same code runs on TF.js and on neurite; the
//   page's fitAndRender() at load is awaited, and the function returns what the page would show.
// - The page's elements are stand-ins: the canvas (800 by 600, as index.html has it) records what is drawn
//   on it, in canvas coordinates (each path's moveTo/lineTo points: the axes, then the prediction curve;
//   each data point's circle); the inputs hold index.html's values (coefficients 6e-6, -2e-3, 0.1, 10;
//   learning rate 0.5; 40 epochs); addEventListener does nothing (no key is pressed).
// - Added: the tensors the page leaves to the garbage collector (toNormalizedTensors' xData and yData, the
//   prediction's input, named xTensor for it, and output) are freed, and so is the model at the end.
// Nothing is random: the weights start at zero, the 25 points are all in one batch (fit's shuffle changes
// only the order of a sum), so both libraries take the same 40 steps: the test compares by value.

import type * as neurite from '../../src/index.js';

type TF = typeof neurite;
type Point = [number, number];

export async function polynomialRegression(tf: TF) {
  // index.html's elements, recorded: each path drawn on the canvas (beginPath, then moveTo/lineTo) and each circle.
  const shown = { paths: [] as Point[][], circles: [] as Point[] };
  const context = {
    clearRect(_x: number, _y: number, _w: number, _h: number) {
      shown.paths = [];
      shown.circles = [];
    },
    beginPath() {
      shown.paths.push([]);
    },
    moveTo(x: number, y: number) {
      shown.paths.at(-1)!.push([x, y]);
    },
    lineTo(x: number, y: number) {
      shown.paths.at(-1)!.push([x, y]);
    },
    stroke() {},
    arc(x: number, y: number, _radius: number, _start: number, _end: number, _counterclockwise: boolean) {
      shown.circles.push([x, y]);
    },
  };
  const values: Record<string, string> = {
    'cubic-coeff': '6e-6', 'quad-coeff': '-2e-3', 'linear-coeff': '0.1', 'const-coeff': '10',
    'learning-rate': '0.5', 'epochs': '40',
  };
  const document = {
    getElementById: (id: string) => ({
      width: id === 'canvas' ? 800 : 0,
      height: id === 'canvas' ? 600 : 0,
      getContext: (_type: '2d') => context,
      value: values[id] ?? '',
      addEventListener(_type: string, _listener: () => void) {},
    }),
  };
  type Canvas = ReturnType<typeof document.getElementById>;

  const canvas = document.getElementById('canvas');
  const order = 3;
  // Convert world coordinates to canvas ones.
  function world2canvas(canvas: Canvas, x: number, y: number) {
    return [x + canvas.width / 2, -y + canvas.height / 2];
  }
  // Draw x and y axes in the canvas.
  function drawAxes(canvas: Canvas) {
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.beginPath();
    const leftCoord = world2canvas(canvas, -canvas.width / 2, 0);
    const rightCoord = world2canvas(canvas, canvas.width / 2, 0);
    ctx.moveTo(leftCoord[0], leftCoord[1]);
    ctx.lineTo(rightCoord[0], rightCoord[1]);
    ctx.stroke();
    const topCoord = world2canvas(canvas, 0, canvas.height / 2);
    const bottomCoord = world2canvas(canvas, 0, -canvas.height / 2);
    ctx.moveTo(topCoord[0], topCoord[1]);
    ctx.lineTo(bottomCoord[0], bottomCoord[1]);
    ctx.stroke();
  }

  // Draw x and y data in the canvas.
  //
  // Also draws the x and y axes.
  //
  // Args:
  //   canvas: The canvas to draw the data in.
  //   xyData: An Array of [x, y] Arrays.
  function drawXYData(canvas: Canvas, xyData: number[][]) {
    drawAxes(canvas);
    const ctx = canvas.getContext('2d');
    for (let i = 0; i < xyData.length; ++i) {
      ctx.beginPath();
      const x = xyData[i][0];
      const y = xyData[i][1];
      const canvasCoord = world2canvas(canvas, x, y);
      ctx.arc(canvasCoord[0], canvasCoord[1], 4, 0, Math.PI * 2, true);
      ctx.stroke();
    }
  }

  // Calculate the arithmetic mean of a vector.
  //
  // Args:
  //   vector: The vector represented as an Array of Numbers.
  //
  // Returns:
  //   The arithmetic mean.
  function mean(vector: number[]) {
    let sum = 0;
    for (const x of vector) {
      sum += x;
    }
    return sum / vector.length;
  }

  // Calculate the standard deviation of a vector.
  //
  // Args:
  //   vector: The vector represented as an Array of Numbers.
  //
  // Returns:
  //   The standard deviation.
  function stddev(vector: number[]) {
    let squareSum = 0;
    const vectorMean = mean(vector);
    for (const x of vector) {
      squareSum += (x - vectorMean) * (x - vectorMean);
    }
    return Math.sqrt(squareSum / (vector.length - 1));
  }

  // Normalize a vector by its mean and standard deviation.
  function normalizeVector(vector: number[], vectorMean: number, vectorStddev: number) {
    return vector.map(x => (x - vectorMean) / vectorStddev);
  }

  // Convert x-y data to normalized Tensors.
  //
  // Args:
  //   xyData: An Array of [x, y] Number Arrays.
  //   order: The order of the polynomial to generate data for. Assumed to be
  //     a non-negative integer.
  //
  // Returns: An array consisting of the following
  //   xPowerMeans: Arithmetic means of the powers of x, from order `1` to
  //      order `order`
  //   xPowerStddevs: Standard deviations of the powers of x.
  //   Normalized powers of x: an Tensor2D of shape [batchSize, order + 1].
  //     The first column is all ones; the following columns are powers of x
  //     from order `1` to `order`.
  //   yMean: Arithmetic mean of y.
  //   yStddev: Standard deviation of y.
  //   Normalized powers of y: an Tensor2D of shape [batchSize, 1].
  function toNormalizedTensors(xyData: number[][], order: number) {
    const batchSize = xyData.length;
    const xData = xyData.map(xy => xy[0]);
    const yData = xyData.map(xy => xy[1]);
    const yMean = mean(yData);
    const yStddev = stddev(yData);
    const yNormalized = normalizeVector(yData, yMean, yStddev);
    const normalizedXPowers = [];
    const xPowerMeans = [];
    const xPowerStddevs = [];
    for (let i = 0; i < order; ++i) {
      const xPower = xData.map(x => Math.pow(x, i + 1));
      const xPowerMean = mean(xPower);
      xPowerMeans.push(xPowerMean);
      const xPowerStddev = stddev(xPower);
      xPowerStddevs.push(xPowerStddev);
      const normalizedXPower = normalizeVector(xPower, xPowerMean, xPowerStddev);
      normalizedXPowers.push(normalizedXPower);
    }
    const xArrayData = [];
    for (let i = 0; i < xData.length; ++i) {
      for (let j = 0; j < order + 1; ++j) {
        if (j === 0) {
          xArrayData.push(1);
        } else {
          xArrayData.push(normalizedXPowers[j - 1][i]);
        }
      }
    }
    return [
      xPowerMeans, xPowerStddevs, tf.tensor2d(xArrayData, [batchSize, order + 1]),
      yMean, yStddev, tf.tensor2d(yNormalized, [batchSize, 1])
    ] as const;
  }

  // Fit a model for polynomial regression.
  //
  // Args:
  //   xyData: An Array of [x, y] Number Arrays.
  //   epochs: How many epochs to train for.
  //   learningRate: Learning rate.
  //
  // Returns: An Array consisting of the following:
  //   The trained keras Model instance.
  //   xPowerMeans: Arithmetic means of the powers of x, from order `1` to
  //      order `order`
  //   xPowerStddevs: Standard deviations of the powers of x.
  //   yMean: Arithmetic mean of y.
  //   yStddev: Standard deviation of y.
  async function fitModel(xyData: number[][], epochs: number, learningRate: number) {
    const batchSize = xyData.length;
    const outputs = toNormalizedTensors(xyData, order);
    const xPowerMeans = outputs[0];
    const xPowerStddevs = outputs[1];
    const xData = outputs[2];
    const yMean = outputs[3];
    const yStddev = outputs[4];
    const yData = outputs[5];
    const input = tf.input({shape: [order + 1]});
    const linearLayer =
        tf.layers.dense({units: 1, kernelInitializer: 'Zeros', useBias: false});
    const output = linearLayer.apply(input) as neurite.SymbolicTensor;
    const model = tf.model({inputs: input, outputs: output});
    const sgd = tf.train.sgd(learningRate);
    model.compile({optimizer: sgd, loss: 'meanSquaredError'});
    await model.fit(xData, yData, {
      batchSize: batchSize,
      epochs: epochs,
    });
    console.log(
        'Model weights (normalized):',
        model.trainableWeights[0].read().dataSync());
    tf.dispose([xData, yData]); // added
    return [model, xPowerMeans, xPowerStddevs, yMean, yStddev] as const;
  }

  // Render the predictions made by the model.
  function renderModelPredictions(
      canvas: Canvas, order: number, model: neurite.LayersModel, xPowerMeans: number[], xPowerStddevs: number[], yMean: number, yStddev: number) {
    const ctx = canvas.getContext('2d');
    const width = canvas.width;
    let x = -0.5 * width;
    const xStep = 0.02 * width;
    const xs = [];
    const xPowers = [];
    let n = 0;
    while (x < 0.5 * width) {
      xs.push(x);
      let d = 1;
      for (let j = 0; j < order + 1; ++j) {
        xPowers.push(
            j === 0 ? d : ((d - xPowerMeans[j - 1]) / xPowerStddevs[j - 1]));
        d *= x;
      }
      x += xStep;
      n++;
    }

    const xTensor = tf.tensor2d(xPowers, [n, order + 1]); // added: named, to be freed
    const predictOut = model.predict(xTensor) as neurite.Tensor; // was model.predict(tf.tensor2d(xPowers, [n, order + 1]))
    const normalizedYs = predictOut.dataSync();
    ctx.beginPath();
    let canvasXY = world2canvas(canvas, xs[0], normalizedYs[0] * yStddev + yMean);
    ctx.moveTo(canvasXY[0], canvasXY[1]);
    for (let i = 1; i < n; ++i) {
      canvasXY = world2canvas(canvas, xs[i], normalizedYs[i] * yStddev + yMean);
      ctx.lineTo(canvasXY[0], canvasXY[1]);
      ctx.stroke();
    }
    tf.dispose([xTensor, predictOut]); // added
  }

  // Generate x-y data based on the size of the canvas.
  function generateXYData(canvas: Canvas, coeffs: number[]) {
    const data = [];
    for (let x = -canvas.width / 2; x < canvas.width / 2;
         x += canvas.width / 25) {
      data.push([
        x, coeffs[0] * x * x * x + coeffs[1] * x * x + coeffs[2] * x + coeffs[3]
      ]);
    }
    return data;
  }

  // Fit a model and render the data and predictions.
  async function fitAndRender() {
    const epochs = +epochsElement.value;
    const learningRate = +learningRateElement.value;
    if (!isFinite(epochs) || !isFinite(learningRate)) {
      return;
    }
    const coeffs = [
      +cubicCoeffElement.value, +quadCoeffElement.value,
      +linearCoeffElement.value, +constCoeffElement.value
    ];
    console.log('True coefficients: ' + JSON.stringify(coeffs));
    let xyData = generateXYData(canvas, coeffs);
    drawXYData(canvas, xyData);
    const fitOutputs = await fitModel(xyData, epochs, learningRate);
    const model = fitOutputs[0];
    const xPowerMeans = fitOutputs[1];
    const xPowerStddevs = fitOutputs[2];
    const yMean = fitOutputs[3];
    const yStddev = fitOutputs[4];
    await renderModelPredictions(
        canvas, order, model, xPowerMeans, xPowerStddevs, yMean, yStddev);
    model.dispose(); // added
  }

  const cubicCoeffElement = document.getElementById('cubic-coeff');
  const quadCoeffElement = document.getElementById('quad-coeff');
  const linearCoeffElement = document.getElementById('linear-coeff');
  const constCoeffElement = document.getElementById('const-coeff');

  const epochsElement = document.getElementById('epochs');
  const learningRateElement = document.getElementById('learning-rate');

  cubicCoeffElement.addEventListener('keyup', fitAndRender);
  quadCoeffElement.addEventListener('keyup', fitAndRender);
  linearCoeffElement.addEventListener('keyup', fitAndRender);
  constCoeffElement.addEventListener('keyup', fitAndRender);

  epochsElement.addEventListener('keyup', fitAndRender);
  learningRateElement.addEventListener('keyup', fitAndRender);

  await fitAndRender(); // awaited
  return shown;
}
