// The TF.js guide "Tensors and operations", every code snippet in the guide's order, run as one function of
// the library: tensor creation, shape and dtype, reshape, array/data (async and sync), square, add, dispose,
// tidy, memory.
//
// Source: https://www.tensorflow.org/js/guide/tensors_operations (github.com/tensorflow/tfjs-website,
// docs/guide/tensors_operations.md, commit 1af5a7f7922e92947ee3f76c49d0b1afbd29a5b1). Each snippet is a block
// here, its code unchanged, except:
// - The snippets sit inside one async function of `tf`, so the same code runs on TF.js and on neurite.
// - `a.array().then(...)` and `a.data().then(...)` are awaited, so their output is printed while the program
//   runs rather than after it returns.
// - Added: each snippet ends by disposing the tensors it made (the guide leaves them), and the tidy snippet's
//   result `y`, which the guide does not print, is returned so its values are compared too.

import type * as neurite from '../../src/index.js';

type TF = typeof neurite;

export async function tensorsAndOperations(tf: TF) {
  // Tensors
  {
    // Create a rank-2 tensor (matrix) matrix tensor from a multidimensional array.
    const a = tf.tensor([[1, 2], [3, 4]]);
    console.log('shape:', a.shape);
    a.print();

    // Or you can create a tensor from a flat array and specify a shape.
    const shape = [2, 2];
    const b = tf.tensor([1, 2, 3, 4], shape);
    console.log('shape:', b.shape);
    b.print();
    tf.dispose([a, b]); // added
  }
  {
    const a = tf.tensor([[1, 2], [3, 4]], [2, 2], 'int32');
    console.log('shape:', a.shape);
    console.log('dtype', a.dtype);
    a.print();
    a.dispose(); // added
  }

  // Changing the shape of a Tensor
  {
    const a = tf.tensor([[1, 2], [3, 4]]);
    console.log('a shape:', a.shape);
    a.print();

    const b = a.reshape([4, 1]);
    console.log('b shape:', b.shape);
    b.print();
    tf.dispose([a, b]); // added
  }

  // Getting values from a Tensor
  {
    const a = tf.tensor([[1, 2], [3, 4]]);
    // Returns the multi dimensional array of values.
    await a.array().then(array => console.log(array)); // `await` added
    // Returns the flattened data that backs the tensor.
    await a.data().then(data => console.log(data)); // `await` added
    a.dispose(); // added
  }
  {
    const a = tf.tensor([[1, 2], [3, 4]]);
    // Returns the multi dimensional array of values.
    console.log(a.arraySync());
    // Returns the flattened data that backs the tensor.
    console.log(a.dataSync());
    a.dispose(); // added
  }

  // Operations
  {
    const x = tf.tensor([1, 2, 3, 4]);
    const y = x.square();  // equivalent to tf.square(x)
    y.print();
    tf.dispose([x, y]); // added
  }
  {
    const a = tf.tensor([1, 2, 3, 4]);
    const b = tf.tensor([10, 20, 30, 40]);
    const y = a.add(b);  // equivalent to tf.add(a, b)
    y.print();
    tf.dispose([a, b, y]); // added
  }

  // Memory
  {
    const a = tf.tensor([[1, 2], [3, 4]]);
    a.dispose(); // Equivalent to tf.dispose(a)
  }
  const a = tf.tensor([[1, 2], [3, 4]]);
  const y = tf.tidy(() => {
    const result = a.square().log().neg();
    return result;
  });

  console.log(tf.memory());
  a.dispose(); // added
  return { y }; // added
}
