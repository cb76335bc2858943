// tfjs-examples' cart-pole: a policy network (dense elu layers) balancing a simulated pole, trained by a
// custom loop: tf.variableGrads of a sigmoid cross-entropy at every step (actions drawn with tf.multinomial),
// rewards discounted and normalised, gradients scaled, stacked, averaged and applied with
// optimizer.applyGradients; then a test game with the trained policy.
//
// Source: github.com/tensorflow/tfjs-examples, cart-pole/index.js, cart_pole.js, ui.js and utils.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments shortened,
// TypeScript types added), with these changes:
// - The files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite; it
//   runs what the page's "Create model", "Train" and "Test" buttons do, with the page's hidden layer size
//   (128), discount rate (0.95) and learning rate (0.05), but 3 iterations of 4 games of at most 50 steps
//   (were 20, 20 and 500), to keep the test fast.
// - Math is a seeded stand-in (stand-ins.ts): the games start from the same states on both libraries.
// - ui.js's DOM and canvas parts are replaced by recorders; SaveablePolicyNetwork's IndexedDB persistence
//   (saveModel after every iteration, loadModel at start-up) is left out: Node has no IndexedDB.
// - Added: the test game stops after 50 steps too (the page's runs until the pole falls); the optimizer and the
//   policy network are disposed at the end.
// Random parts: the actions (tf.multinomial) come from each library's generator, so the games go differently:
// the test compares what does not depend on the draws.

import type * as neurite from '../../src/index.js';
import { seededMath } from './stand-ins.js';

type TF = typeof neurite;
type Gradients = Record<string, neurite.Tensor>;

export async function cartPole(tf: TF) {
  const Math = seededMath(13);

  // ui.js, recorded.
  const shown = { status: [] as string[], meanSteps: [] as Array<{x: number; y: number}>, tensorCounts: [] as number[], testSteps: 0 };
  const logStatus = (message: string) => shown.status.push(message);
  const renderDuringTraining = true;
  async function maybeRenderDuringTraining(_cartPole: CartPole) {
    if (renderDuringTraining) {
      await tf.nextFrame();  // Unblock UI thread.
    }
  }
  function onGameEnd(_gameCount: number, _totalGames: number) {}

  // utils.js
  function mean(xs: number[]) {
    return sum(xs) / xs.length;
  }

  function sum(xs: number[]) {
    if (xs.length === 0) {
      throw new Error('Expected xs to be a non-empty Array.');
    } else {
      return xs.reduce((x, prev) => prev + x);
    }
  }

  // cart_pole.js
  /**
   * Cart-pole system simulator.
   */
  class CartPole {
    gravity = 9.8;
    massCart = 1.0;
    massPole = 0.1;
    totalMass = this.massCart + this.massPole;
    cartWidth = 0.2;
    cartHeight = 0.1;
    length = 0.5;
    poleMoment = this.massPole * this.length;
    forceMag = 10.0;
    tau = 0.02;  // Seconds between state updates.
    xThreshold = 2.4;
    thetaThreshold = 12 / 360 * 2 * Math.PI;
    x = 0;
    xDot = 0;
    theta = 0;
    thetaDot = 0;

    constructor() {
      this.setRandomState();
    }

    /**
     * Set the state of the cart-pole system randomly.
     */
    setRandomState() {
      // The control-theory state variables of the cart-pole system.
      // Cart position, meters.
      this.x = Math.random() - 0.5;
      // Cart velocity.
      this.xDot = (Math.random() - 0.5) * 1;
      // Pole angle, radians.
      this.theta = (Math.random() - 0.5) * 2 * (6 / 360 * 2 * Math.PI);
      // Pole angle velocity.
      this.thetaDot =  (Math.random() - 0.5) * 0.5;
    }

    /**
     * Get current state as a tf.Tensor of shape [1, 4].
     */
    getStateTensor() {
      return tf.tensor2d([[this.x, this.xDot, this.theta, this.thetaDot]]);
    }

    /**
     * Update the cart-pole system using an action.
     */
    update(action: number) {
      const force = action > 0 ? this.forceMag : -this.forceMag;

      const cosTheta = Math.cos(this.theta);
      const sinTheta = Math.sin(this.theta);

      const temp =
          (force + this.poleMoment * this.thetaDot * this.thetaDot * sinTheta) /
          this.totalMass;
      const thetaAcc = (this.gravity * sinTheta - cosTheta * temp) /
          (this.length *
           (4 / 3 - this.massPole * cosTheta * cosTheta / this.totalMass));
      const xAcc = temp - this.poleMoment * thetaAcc * cosTheta / this.totalMass;

      // Update the four state variables, using Euler's method.
      this.x += this.tau * this.xDot;
      this.xDot += this.tau * xAcc;
      this.theta += this.tau * this.thetaDot;
      this.thetaDot += this.tau * thetaAcc;

      return this.isDone();
    }

    /**
     * Determine whether this simulation is done.
     */
    isDone() {
      return this.x < -this.xThreshold || this.x > this.xThreshold ||
          this.theta < -this.thetaThreshold || this.theta > this.thetaThreshold;
    }
  }

  // index.js
  /**
   * Policy network for controlling the cart-pole system.
   */
  class PolicyNetwork {
    policyNet!: neurite.Sequential;
    currentActions_!: ArrayLike<number>;

    constructor(hiddenLayerSizesOrModel: number | number[] | neurite.Sequential) {
      if (hiddenLayerSizesOrModel instanceof (tf as unknown as {LayersModel: typeof neurite.Sequential}).LayersModel) {
        this.policyNet = hiddenLayerSizesOrModel;
      } else {
        this.createPolicyNetwork(hiddenLayerSizesOrModel as number | number[]);
      }
    }

    /**
     * Create the underlying model of this policy network.
     */
    createPolicyNetwork(hiddenLayerSizes: number | number[]) {
      if (!Array.isArray(hiddenLayerSizes)) {
        hiddenLayerSizes = [hiddenLayerSizes];
      }
      this.policyNet = tf.sequential();
      hiddenLayerSizes.forEach((hiddenLayerSize, i) => {
        this.policyNet.add(tf.layers.dense({
          units: hiddenLayerSize,
          activation: 'elu',
          // `inputShape` is required only for the first layer.
          inputShape: i === 0 ? [4] : undefined
        }));
      });
      // The last layer has only one unit. The single output number will be
      // converted to a probability of selecting the leftward-force action.
      this.policyNet.add(tf.layers.dense({units: 1}));
    }

    /**
     * Train the policy network's model.
     */
    async train(
        cartPoleSystem: CartPole, optimizer: neurite.Optimizer, discountRate: number, numGames: number, maxStepsPerGame: number) {
      const allGradients: Record<string, neurite.Tensor[][]> = {};
      const allRewards: number[][] = [];
      const gameSteps: number[] = [];
      onGameEnd(0, numGames);
      for (let i = 0; i < numGames; ++i) {
        // Randomly initialize the state of the cart-pole system at the beginning
        // of every game.
        cartPoleSystem.setRandomState();
        const gameRewards: number[] = [];
        const gameGradients: Record<string, neurite.Tensor[]> = {};
        for (let j = 0; j < maxStepsPerGame; ++j) {
          // For every step of the game, remember gradients of the policy
          // network's weights with respect to the probability of the action
          // choice that lead to the reward.
          const gradients = tf.tidy(() => {
            const inputTensor = cartPoleSystem.getStateTensor();
            return this.getGradientsAndSaveActions(inputTensor).grads;
          });

          this.pushGradients(gameGradients, gradients);
          const action = this.currentActions_[0];
          const isDone = cartPoleSystem.update(action);

          await maybeRenderDuringTraining(cartPoleSystem);

          if (isDone) {
            // When the game ends before max step count is reached, a reward of
            // 0 is given.
            gameRewards.push(0);
            break;
          } else {
            // As long as the game doesn't end, each step leads to a reward of 1.
            // These reward values will later be "discounted", leading to
            // higher reward values for longer-lasting games.
            gameRewards.push(1);
          }
        }
        onGameEnd(i + 1, numGames);
        gameSteps.push(gameRewards.length);
        this.pushGradients(allGradients, gameGradients);
        allRewards.push(gameRewards);
        await tf.nextFrame();
      }

      tf.tidy(() => {
        // 1. Discount the rewards, 2. normalize them, 3. scale the gradients
        // with the normalized reward values.
        const normalizedRewards =
            discountAndNormalizeRewards(allRewards, discountRate);
        // Add the scaled gradients to the weights of the policy network.
        optimizer.applyGradients(
            scaleAndAverageGradients(allGradients, normalizedRewards));
      });
      tf.dispose(allGradients as never);
      return gameSteps;
    }

    getGradientsAndSaveActions(inputTensor: neurite.Tensor) {
      const f = () => tf.tidy(() => {
        const [logits, actions] = this.getLogitsAndActions(inputTensor);
        this.currentActions_ = actions.dataSync();
        const labels =
            tf.sub(1, tf.tensor2d(this.currentActions_ as Float32Array, actions.shape as [number, number]));
        return tf.losses.sigmoidCrossEntropy(labels, logits).asScalar();
      });
      return tf.variableGrads(f);
    }

    getCurrentActions() {
      return this.currentActions_;
    }

    /**
     * Get policy-network logits and the action based on state-tensor inputs.
     */
    getLogitsAndActions(inputs: neurite.Tensor) {
      return tf.tidy(() => {
        const logits = this.policyNet.predict(inputs) as neurite.Tensor;

        // Get the probability of the leftward action.
        const leftProb = tf.sigmoid(logits);
        // Probabilities of the left and right actions.
        const leftRightProbs = tf.concat([leftProb, tf.sub(1, leftProb)], 1);
        const actions = tf.multinomial(leftRightProbs, 1, undefined, true);
        return [logits, actions];
      });
    }

    /**
     * Get actions based on a state-tensor input.
     */
    getActions(inputs: neurite.Tensor) {
      return this.getLogitsAndActions(inputs)[1].dataSync();
    }

    /**
     * Push a new dictionary of gradients into records.
     */
    pushGradients(record: Record<string, unknown[]>, gradients: Record<string, unknown>) {
      for (const key in gradients) {
        if (key in record) {
          record[key].push(gradients[key]);
        } else {
          record[key] = [gradients[key]];
        }
      }
    }
  }

  /**
   * A subclass of PolicyNetwork that supports saving and loading (the IndexedDB parts are left out).
   */
  class SaveablePolicyNetwork extends PolicyNetwork {
    constructor(hiddenLayerSizesOrModel: number | number[]) {
      super(hiddenLayerSizesOrModel);
    }

    /**
     * Get the sizes of the hidden layers.
     */
    hiddenLayerSizes() {
      const sizes = [];
      for (let i = 0; i < this.policyNet.layers.length - 1; ++i) {
        sizes.push((this.policyNet.layers[i] as unknown as {units: number}).units);
      }
      return sizes.length === 1 ? sizes[0] : sizes;
    }
  }

  /**
   * Discount the reward values.
   */
  function discountRewards(rewards: number[], discountRate: number) {
    const discountedBuffer = tf.buffer([rewards.length]);
    let prev = 0;
    for (let i = rewards.length - 1; i >= 0; --i) {
      const current = discountRate * prev + rewards[i];
      discountedBuffer.set(current, i);
      prev = current;
    }
    return discountedBuffer.toTensor();
  }

  /**
   * Discount and normalize reward values.
   */
  function discountAndNormalizeRewards(rewardSequences: number[][], discountRate: number) {
    return tf.tidy(() => {
      const discounted = [];
      for (const sequence of rewardSequences) {
        discounted.push(discountRewards(sequence, discountRate))
      }
      // Compute the overall mean and stddev.
      const concatenated = tf.concat(discounted);
      const mean = tf.mean(concatenated);
      const std = tf.sqrt(tf.mean(tf.square(concatenated.sub(mean))));
      // Normalize the reward sequences using the mean and std.
      const normalized = discounted.map(rs => rs.sub(mean).div(std));
      return normalized;
    });
  }

  /**
   * Scale the gradient values using normalized reward values and compute average.
   */
  function scaleAndAverageGradients(allGradients: Record<string, neurite.Tensor[][]>, normalizedRewards: neurite.Tensor[]) {
    return tf.tidy(() => {
      const gradients: Gradients = {};
      for (const varName in allGradients) {
        gradients[varName] = tf.tidy(() => {
          // Stack gradients together.
          const varGradients = allGradients[varName].map(
              varGameGradients => tf.stack(varGameGradients));
          // Expand dimensions of reward tensors to prepare for multiplication
          // with broadcasting.
          const expandedDims: number[] = [];
          for (let i = 0; i < varGradients[0].rank - 1; ++i) {
            expandedDims.push(1);
          }
          const reshapedNormalizedRewards = normalizedRewards.map(
              rs => rs.reshape(rs.shape.concat(expandedDims)));
          for (let g = 0; g < varGradients.length; ++g) {
            // This mul() call uses broadcasting.
            varGradients[g] = varGradients[g].mul(reshapedNormalizedRewards[g]);
          }
          // Concatenate the scaled gradients together, then average them across
          // all the steps of all the games.
          return tf.mean(tf.concat(varGradients, 0), 0);
        });
      }
      return gradients;
    });
  }

  // ui.js: the page's buttons.
  let policyNet: SaveablePolicyNetwork;
  const cartPole = new CartPole();

  // "Create model", with the page's hidden layer sizes.
  const hiddenLayerSizes = '128'.trim().split(',').map(v => Number.parseInt(v.trim()));
  policyNet = new SaveablePolicyNetwork(hiddenLayerSizes);
  console.log('DONE constructing new instance of SaveablePolicyNetwork');

  // "Train".
  const trainIterations = 3; // was 20
  const gamesPerIteration = 4; // was 20
  const maxStepsPerGame = 50; // was 500
  const discountRate = 0.95;
  const learningRate = 0.05;
  const optimizer = tf.train.adam(learningRate);
  for (let i = 0; i < trainIterations; ++i) {
    const gameSteps = await policyNet.train(
        cartPole, optimizer, discountRate, gamesPerIteration,
        maxStepsPerGame);
    shown.meanSteps.push({x: i + 1, y: mean(gameSteps)});
    console.log(`# of tensors: ${tf.memory().numTensors}`);
    shown.tensorCounts.push(tf.memory().numTensors);
    await tf.nextFrame();  // Unblock UI thread.
  }
  logStatus('Training completed.');

  // "Test".
  let isDone = false;
  const testCartPole = new CartPole();
  testCartPole.setRandomState();
  let steps = 0;
  while (!isDone && steps < maxStepsPerGame) { // `&& steps < maxStepsPerGame` added: the page runs until the pole falls
    steps++;
    tf.tidy(() => {
      const action = policyNet.getActions(testCartPole.getStateTensor())[0];
      isDone = testCartPole.update(action);
    });
    await tf.nextFrame();  // Unblock UI thread.
  }
  logStatus(`Test finished. Survived ${steps} step(s).`);
  shown.testSteps = steps;

  const sizes = policyNet.hiddenLayerSizes(); // added
  optimizer.dispose(); // added
  policyNet.policyNet.dispose(); // added
  return { shown, hiddenLayerSizes: sizes };
}
