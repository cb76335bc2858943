// tf.data: datasets as in TF.js 4.22 (array, generator, func, zip, csv and the Dataset methods).

export { Dataset, array, func, generator, microphone, webcam, zip } from './dataset.js';
export type { DatasetContainer } from './dataset.js';
export { CSVDataset, csv } from './csv.js';
export type { ColumnConfig, CSVConfig } from './csv.js';
export { DataIterator } from './iterator.js';
