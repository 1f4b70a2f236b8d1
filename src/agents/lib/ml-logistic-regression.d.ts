// ml-logistic-regression ships no types; this covers the part the step programs use.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  export interface LogisticRegressionJSON {
    name: 'LogisticRegression';
    numSteps: number;
    learningRate: number;
    numberClasses: number;
    classifiers: unknown[];
  }
  /** One-vs-all over classes 0..n-1, trained by full-batch gradient steps on summed gradients. */
  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    train(X: Matrix, Y: Matrix): void;
    predict(X: Matrix): number[];
    toJSON(): LogisticRegressionJSON;
    static load(model: LogisticRegressionJSON): LogisticRegression;
  }
}
