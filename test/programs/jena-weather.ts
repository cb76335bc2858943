// tfjs-examples' jena-weather with its MLP: weather rows parsed from CSV text, normalised with tf.moments,
// served in batches by tf.data.generator over a hand-written iterator (tf.buffer), the commonsense baseline
// (forEachAsync, gather, squeeze, tf.losses.absoluteDifference, stack), and a flatten-dense-dense model trained
// with model.fitDataset (prefetch, batchesPerEpoch, validation data) on meanAbsoluteError and rmsprop.
//
// Source: github.com/tensorflow/tfjs-examples, jena-weather/data.js, models.js, index.js and train-rnn.js
// (commit 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments
// shortened, TypeScript types added), with these changes:
// - The files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite; it
//   runs what the page does when loaded (load, the T (degC) standard deviation), the baseline train-rnn.js
//   computes with --modelType baseline, then what the page's "Train model" button does with the model type
//   "mlp" and the page's defaults (no date-time features).
// - The data: instead of jena_climate_2009_2016.csv (420551 rows, 41 MB, fetched), the same columns for 640
//   rows ten minutes apart made up from daily cycles and noise (jenaCsv below); `fetch` is a stand-in that
//   returns it. The windows shrink to fit: lookBack 60 rows (was 10 days, 1440), step 6 as before, delay 36
//   (was 1 day, 144); training rows 0-400 (was 0-200000) and validation rows 401-600 (was 200001-300000).
// - trainModel runs 100 batches an epoch (was 500) for 2 epochs (the page's default is 20), to keep the
//   test fast.
// - Math is a seeded stand-in (stand-ins.ts): the shuffled training batches start at the same rows on both
//   libraries.
// - Left out: the plotting helpers of data.js (getTime; getColumnData keeps only what
//   calculateMeansAndStddevs_ reads of it) and of index.js, the RNN builders of models.js (simpleRNN and GRU
//   layers: issue 15), and tfjs-vis, replaced by recorders of what it would show.
// - Added: the model's starting weights are fixed (sameStart), as the libraries' initialisers draw different
//   numbers; training then reads the same batches in the same order on both libraries. The baseline's
//   tensor and the model are disposed, and the function returns what the page shows.

import type * as neurite from '../../src/index.js';
import { randomData } from '../support.js';
import { sameStart, seededMath } from './stand-ins.js';

type TF = typeof neurite;

const COLUMNS = ['Date Time', 'p (mbar)', 'T (degC)', 'Tpot (K)', 'Tdew (degC)', 'rh (%)', 'VPmax (mbar)', 'VPact (mbar)', 'VPdef (mbar)', 'sh (g/kg)', 'H2OC (mmol/mol)', 'rho (g/m**3)', 'wv (m/s)', 'max. wv (m/s)', 'wd (deg)'];

/** 640 made-up rows of jena_climate_2009_2016.csv, from 01.01.2009 00:10:00 every ten minutes. */
function jenaCsv(): string {
  const rows = 640;
  const u = randomData(rows * 4, 51, -1, 1);
  const lines = [COLUMNS.map((c) => `"${c}"`).join(',')];
  const two = (n: number) => String(n).padStart(2, '0');
  for (let r = 0; r < rows; r++) {
    const time = new Date(Date.UTC(2009, 0, 1, 0, 10 * (r + 1)));
    const stamp = `${two(time.getUTCDate())}.${two(time.getUTCMonth() + 1)}.${time.getUTCFullYear()} ${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:00`;
    const day = (r + 1) / 144;
    const p = 990 + 6 * Math.sin(2 * Math.PI * day / 3) + 0.5 * u[r * 4];
    const t = -4 + 5 * Math.sin(2 * Math.PI * (day - 0.375)) + 2 * Math.sin(2 * Math.PI * day / 2.7) + 0.4 * u[r * 4 + 1];
    const rh = 80 - 10 * Math.sin(2 * Math.PI * (day - 0.375)) + 3 * u[r * 4 + 2];
    const vpmax = 6.1078 * Math.exp((17.27 * t) / (t + 237.3));
    const vpact = (vpmax * rh) / 100;
    const wv = 2 + 1.5 * Math.sin(2 * Math.PI * day / 1.7) + 0.5 * u[r * 4 + 3];
    const values = [p, t, t + 273.15 + 0.009 * (1000 - p), t - (100 - rh) / 5, rh, vpmax, vpact, vpmax - vpact, (622 * vpact) / p, (1000 * vpact) / p, (p * 100) / (287 * (t + 273.15)) * 10, wv, wv * 1.6, (180 + 90 * Math.sin(2 * Math.PI * day / 2) + 20 * u[r * 4 + 3] + 360) % 360];
    lines.push([stamp, ...values.map((v) => v.toFixed(2))].join(','));
  }
  return lines.join('\n') + '\n';
}

export async function jenaWeather(tf: TF) {
  const Math = seededMath(9);
  const CSV = jenaCsv();
  const fetch = async (_url: string) => ({statusCode: 200, text: async () => CSV}); // was the Fetch API

  // ui.js and tfjs-vis, recorded.
  const shown = { status: [] as string[], batchLogs: [] as neurite.Logs[], epochLogs: [] as neurite.Logs[], summary: [] as unknown[][], baseline: 0 };
  const logStatus = (message: string) => shown.status.push(message);
  const tfvis = {
    show: {
      fitCallbacks(_surface: unknown, _metrics: string[], _options: object) {
        return {
          onBatchEnd: async (_batch: number, logs?: neurite.Logs) => void shown.batchLogs.push(logs!),
          onEpochEnd: async (_epoch: number, logs?: neurite.Logs) => void shown.epochLogs.push(logs!),
        };
      },
      modelSummary(_surface: unknown, model: neurite.Sequential) {
        shown.summary = model.layers.map((layer) => [layer.outputShape, layer.countParams()]);
      },
    },
  };

  // data.js
  const LOCAL_JENA_WEATHER_CSV_PATH = './jena_climate_2009_2016.csv';
  const REMOTE_JENA_WEATHER_CSV_PATH =
      'https://storage.googleapis.com/learnjs-data/jena_climate/jena_climate_2009_2016.csv';

  /**
   * A class that fetches and processes the Jena weather archive data.
   */
  class JenaWeatherData {
    dateTimeCol!: number;
    dataColumnNames!: string[];
    tempCol!: number;
    dateTime!: Date[];
    data!: number[][];
    normalizedDayOfYear!: number[];
    normalizedTimeOfDay!: number[];
    numRows!: number;
    numColumns!: number;
    numColumnsExcludingTarget!: number;
    means!: number[];
    stddevs!: number[];
    normalizedData!: number[][];

    /**
     * Load and preprocess data.
     */
    async load() {
      let response;
      try {
        response = await fetch(LOCAL_JENA_WEATHER_CSV_PATH);
      } catch (err) {}

      if (response != null &&
          (response.statusCode === 200 || response.statusCode === 304)) {
        console.log('Loading data from local path');
      } else {
        response = await fetch(REMOTE_JENA_WEATHER_CSV_PATH);
        console.log(
            `Loading data from remote path: ${REMOTE_JENA_WEATHER_CSV_PATH}`);
      }
      const csvData = await response.text();

      // Parse CSV file.
      const csvLines = csvData.split('\n');

      // Parse header.
      const columnNames = csvLines[0].split(',');
      for (let i = 0; i < columnNames.length; ++i) {
        // Discard the quotes around the column name.
        columnNames[i] = columnNames[i].slice(1, columnNames[i].length - 1);
      }

      this.dateTimeCol = columnNames.indexOf('Date Time');
      tf.util.assert(this.dateTimeCol === 0, `Unexpected date-time column index`);

      this.dataColumnNames = columnNames.slice(1);
      this.tempCol = this.dataColumnNames.indexOf('T (degC)');
      tf.util.assert(this.tempCol >= 1, `Unexpected T (degC) column index`);

      this.dateTime = [];
      this.data = [];  // Unnormalized data.
      // Day of the year data, normalized between 0 and 1.
      this.normalizedDayOfYear = [];
      // Time of the day, normalized between 0 and 1.
      this.normalizedTimeOfDay = [];
      for (let i = 1; i < csvLines.length; ++i) {
        const line = csvLines[i].trim();
        if (line.length === 0) {
          continue;
        }
        const items = line.split(',');
        const parsed = this.parseDateTime_(items[0]);
        const newDateTime = parsed.date;
        if (this.dateTime.length > 0 &&
            newDateTime.getTime() <=
                this.dateTime[this.dateTime.length - 1].getTime()) {
        }

        this.dateTime.push(newDateTime);
        this.data.push(items.slice(1).map(x => +x));
        this.normalizedDayOfYear.push(parsed.normalizedDayOfYear);
        this.normalizedTimeOfDay.push(parsed.normalizedTimeOfDay);
      }
      this.numRows = this.data.length;
      this.numColumns = this.data[0].length;
      this.numColumnsExcludingTarget = this.data[0].length - 1;
      console.log(
          `this.numColumnsExcludingTarget = ${this.numColumnsExcludingTarget}`);

      await this.calculateMeansAndStddevs_();
    }

    /**
     * Parse the date-time string from the Jena weather CSV file.
     */
    parseDateTime_(str: string) {
      const items = str.split(' ');
      const dateStr = items[0];
      const dateStrItems = dateStr.split('.');
      const day = +dateStrItems[0];
      const month = +dateStrItems[1] - 1;  // month is 0-based in JS `Date` class.
      const year = +dateStrItems[2];

      const timeStrItems = items[1].split(':');
      const hours = +timeStrItems[0];
      const minutes = +timeStrItems[1];
      const seconds = +timeStrItems[2];

      const date = new Date(Date.UTC(year, month, day, hours, minutes, seconds));
      const yearOnset = new Date(year, 0, 1);
      const normalizedDayOfYear =
          (+date - +yearOnset) / (366 * 1000 * 60 * 60 * 24);
      const dayOnset = new Date(year, month, day);
      const normalizedTimeOfDay = (+date - +dayOnset) / (1000 * 60 * 60 * 24)
      return {date, normalizedDayOfYear, normalizedTimeOfDay};
    }

    /**
     * Calculate the means and standard deviations of every column.
     */
    async calculateMeansAndStddevs_() {
      tf.tidy(() => {
        // Instead of doing it on all columns at once, we do it
        // column by column, as doing it all at once causes WebGL OOM
        // on some machines.
        this.means = [];
        this.stddevs = [];
        for (const columnName of this.dataColumnNames) {
          // TODO(cais): See if we can relax this limit.
          const data =
              tf.tensor1d(this.getColumnData(columnName).slice(0, 6 * 24 * 365));
          const moments = tf.moments(data);
          this.means.push(moments.mean.dataSync() as unknown as number);
          this.stddevs.push(Math.sqrt(moments.variance.dataSync() as unknown as number));
        }
        console.log('means:', this.means);
        console.log('stddevs:', this.stddevs);
      });

      // Cache normalized values.
      this.normalizedData = [];
      for (let i = 0; i < this.numRows; ++i) {
        const row = [];
        for (let j = 0; j < this.numColumns; ++j) {
          row.push((this.data[i][j] - this.means[j]) / this.stddevs[j]);
        }
        this.normalizedData.push(row);
      }
    }

    getDataColumnNames() {
      return this.dataColumnNames;
    }

    /** Get the mean and standard deviation of a data column. */
    getMeanAndStddev(dataColumnName: string) {
      if (this.means == null || this.stddevs == null) {
        throw new Error('means and stddevs have not been calculated yet.');
      }

      const index = this.getDataColumnNames().indexOf(dataColumnName);
      if (index === -1) {
        throw new Error(`Invalid data column name: ${dataColumnName}`);
      }
      return {
        mean: this.means[index], stddev: this.stddevs[index]
      }
    }

    getColumnData(columnName: string) { // reduced to what calculateMeansAndStddevs_ asks of it
      const columnIndex = this.dataColumnNames.indexOf(columnName);
      tf.util.assert(columnIndex >= 0, `Invalid column name: ${columnName}`);
      return this.data.map(row => row[columnIndex]);
    }

    /**
     * Get a data iterator function.
     */
    getNextBatchFunction(
        shuffle: boolean, lookBack: number, delay: number, batchSize: number, step: number, minIndex: number, maxIndex: number, normalize: boolean,
        includeDateTime: boolean) {
      let startIndex = minIndex + lookBack;
      const lookBackSlices = Math.floor(lookBack / step);

      return {
        next: () => {
          const rowIndices = [];
          let done = false;  // Indicates whether the dataset has ended.
          if (shuffle) {
            // If `shuffle` is `true`, start from randomly chosen rows.
            const range = maxIndex - (minIndex + lookBack);
            for (let i = 0; i < batchSize; ++i) {
              const row = minIndex + lookBack + Math.floor(Math.random() * range);
              rowIndices.push(row);
            }
          } else {
            // If `shuffle` is `false`, the starting row indices will be sequential.
            let r = startIndex;
            for (; r < startIndex + batchSize && r < maxIndex; ++r) {
              rowIndices.push(r);
            }
            if (r >= maxIndex) {
              done = true;
            }
          }

          const numExamples = rowIndices.length;
          startIndex += numExamples;

          const featureLength =
              includeDateTime ? this.numColumns + 2 : this.numColumns;
          const samples = tf.buffer([numExamples, lookBackSlices, featureLength]);
          const targets = tf.buffer([numExamples, 1]);
          // Iterate over examples. Each example contains a number of rows.
          for (let j = 0; j < numExamples; ++j) {
            const rowIndex = rowIndices[j];
            let exampleRow = 0;
            // Iterate over rows in the example.
            for (let r = rowIndex - lookBack; r < rowIndex; r += step) {
              let exampleCol = 0;
              // Iterate over features in the row.
              for (let n = 0; n < featureLength; ++n) {
                let value;
                if (n < this.numColumns) {
                  value = normalize ? this.normalizedData[r][n] : this.data[r][n];
                } else if (n === this.numColumns) {
                  // Normalized day-of-the-year feature.
                  value = this.normalizedDayOfYear[r];
                } else {
                  // Normalized time-of-the-day feature.
                  value = this.normalizedTimeOfDay[r];
                }
                samples.set(value, j, exampleRow, exampleCol++);
              }

              const value = normalize ?
                  this.normalizedData[r + delay][this.tempCol] :
                  this.data[r + delay][this.tempCol];
              targets.set(value, j, 0);
              exampleRow++;
            }
          }
          return {
            value: {xs: samples.toTensor(), ys: targets.toTensor()},
            done
          };
        }
      };
    }
  }

  // models.js
  // Row ranges of the training and validation data subsets.
  const TRAIN_MIN_ROW = 0;
  const TRAIN_MAX_ROW = 400; // was 200000
  const VAL_MIN_ROW = 401; // was 200001
  const VAL_MAX_ROW = 600; // was 300000

  /**
   * Calculate the commonsense baseline temperture-prediction accuracy.
   */
  async function getBaselineMeanAbsoluteError(
      jenaWeatherData: JenaWeatherData, normalize: boolean, includeDateTime: boolean, lookBack: number, step: number, delay: number) {
    const batchSize = 128;
    const dataset = tf.data.generator(
        () => jenaWeatherData.getNextBatchFunction(
            false, lookBack, delay, batchSize, step, VAL_MIN_ROW, VAL_MAX_ROW,
            normalize, includeDateTime) as never);

    const batchMeanAbsoluteErrors: neurite.Tensor[] = [];
    const batchSizes: number[] = [];
    await dataset.forEachAsync(dataItem => {
      const features = (dataItem as {xs: neurite.Tensor}).xs;
      const targets = (dataItem as {ys: neurite.Tensor}).ys;
      const timeSteps = features.shape[1];
      batchSizes.push(features.shape[0]);
      batchMeanAbsoluteErrors.push(tf.tidy(
          () => tf.losses.absoluteDifference(
              targets,
              features.gather([timeSteps - 1], 1).gather([1], 2).squeeze([2]))));
    });

    const meanAbsoluteError = tf.tidy(() => {
      const batchSizesTensor = tf.tensor1d(batchSizes);
      const batchMeanAbsoluteErrorsTensor = tf.stack(batchMeanAbsoluteErrors);
      return batchMeanAbsoluteErrorsTensor.mul(batchSizesTensor)
          .sum()
          .div(batchSizesTensor.sum());
    });
    tf.dispose(batchMeanAbsoluteErrors);
    const value = meanAbsoluteError.dataSync()[0];
    meanAbsoluteError.dispose(); // added
    return value;
  }

  /**
   * Build a linear-regression model for the temperature-prediction problem.
   */
  function buildLinearRegressionModel(inputShape: number[]) {
    const model = tf.sequential();
    model.add(tf.layers.flatten({inputShape}));
    model.add(tf.layers.dense({units: 1}));
    return model;
  }

  /**
   * Build a GRU model for the temperature-prediction problem.
   */
  function buildMLPModel(inputShape: number[], kernelRegularizer?: neurite.Regularizer, dropoutRate?: number) {
    const model = tf.sequential();
    model.add(tf.layers.flatten({inputShape}));
    model.add(
        tf.layers.dense({units: 32, kernelRegularizer, activation: 'relu'}));
    if (dropoutRate! > 0) {
      model.add(tf.layers.dropout({rate: dropoutRate!}));
    }
    model.add(tf.layers.dense({units: 1}));
    return model;
  }

  /**
   * Build a model for the temperature-prediction problem.
   */
  function buildModel(modelType: string, numTimeSteps: number, numFeatures: number) {
    const inputShape = [numTimeSteps, numFeatures];

    console.log(`modelType = ${modelType}`);
    let model;
    if (modelType === 'mlp') {
      model = buildMLPModel(inputShape);
    } else if (modelType === 'mlp-l2') {
      model = buildMLPModel(inputShape, tf.regularizers.l2());
    } else if (modelType === 'linear-regression') {
      model = buildLinearRegressionModel(inputShape);
    } else if (modelType === 'mlp-dropout') {
      const regularizer = undefined;
      const dropoutRate = 0.25;
      model = buildMLPModel(inputShape, regularizer, dropoutRate);
    } else {
      throw new Error(`Unsupported model type: ${modelType}`);
    }

    sameStart(tf, model); // added
    model.compile({loss: 'meanAbsoluteError', optimizer: 'rmsprop'});
    model.summary();
    return model;
  }

  /**
   * Train a model on the Jena weather data.
   */
  async function trainModel(
      model: neurite.Sequential, jenaWeatherData: JenaWeatherData, normalize: boolean, includeDateTime: boolean, lookBack: number, step: number, delay: number,
      batchSize: number, epochs: number, customCallback: neurite.CustomCallbackArgs) {
    const trainShuffle = true;
    const trainDataset =
        tf.data
            .generator(
                () => jenaWeatherData.getNextBatchFunction(
                    trainShuffle, lookBack, delay, batchSize, step, TRAIN_MIN_ROW,
                    TRAIN_MAX_ROW, normalize, includeDateTime) as never)
            .prefetch(8);
    const evalShuffle = false;
    const valDataset = tf.data.generator(
        () => jenaWeatherData.getNextBatchFunction(
            evalShuffle, lookBack, delay, batchSize, step, VAL_MIN_ROW,
            VAL_MAX_ROW, normalize, includeDateTime) as never);

    await model.fitDataset(trainDataset, {
      batchesPerEpoch: 100, // was 500
      epochs,
      callbacks: customCallback,
      validationData: valDataset
    });
  }

  // index.js: run(), on load.
  logStatus('Loading Jena weather data (41.2 MB)...');
  const jenaWeatherData = new JenaWeatherData();
  await jenaWeatherData.load();
  logStatus('Done loading Jena weather data.');
  console.log(
      'standard deviation of the T (degC) column: ' +
      jenaWeatherData.getMeanAndStddev('T (degC)').stddev.toFixed(4));

  // The window, as the "Train model" button sets it (and train-rnn.js's defaults).
  const lookBack = 60;  // was 10 * 24 * 6: 10 days.
  const step = 6;       // 1-hour steps.
  const delay = 36;     // was 24 * 6: 1 day.
  const batchSize = 128;
  const normalize = true;
  const includeDateTime = false;
  const modelType = 'mlp';

  // train-rnn.js with --modelType baseline.
  console.log('Calculating commonsense baseline mean absolute error...');
  const baselineError = await getBaselineMeanAbsoluteError(
      jenaWeatherData, normalize, includeDateTime, lookBack,
      step, delay);
  console.log(
      `Commonsense baseline mean absolute error: ` +
      `${baselineError.toFixed(6)}`);
  shown.baseline = baselineError; // added

  // The "Train model" button.
  logStatus('Training model...');
  console.log('Creating model...');
  let numFeatures = jenaWeatherData.getDataColumnNames().length;
  const model = buildModel(modelType, Math.floor(lookBack / step), numFeatures);

  // Draw a summary of the model with tfjs-vis visor.
  tfvis.show.modelSummary({name: 'Model Summary'}, model);

  console.log('Starting model training...');
  const epochs = 2; // was +epochsInput.value, 20 on the page
  await trainModel(
      model, jenaWeatherData, normalize, includeDateTime,
      lookBack, step, delay, batchSize, epochs,
      tfvis.show.fitCallbacks({name: 'Model Training'}, ['loss', 'val_loss'], {
        callbacks: ['onBatchEnd', 'onEpochEnd']
      }));

  logStatus('Model training complete...');
  model.dispose(); // added

  return { shown, stddevs: jenaWeatherData.stddevs, normalizedTail: jenaWeatherData.normalizedData.slice(-3) };
}
