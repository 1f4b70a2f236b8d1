// The regression half of ml-cart; merges into the declaration in ml-cart.d.ts.
declare module 'ml-cart' {
  export interface DecisionTreeRegressionJSON {
    options: DecisionTreeOptions & { kind: string };
    root: unknown;
    name: 'DTRegression';
  }
  export class DecisionTreeRegression {
    constructor(options?: DecisionTreeOptions);
    train(trainingSet: number[][], trainingValues: number[]): void;
    predict(toPredict: number[][]): number[];
    toJSON(): DecisionTreeRegressionJSON;
    static load(model: DecisionTreeRegressionJSON): DecisionTreeRegression;
  }
}
