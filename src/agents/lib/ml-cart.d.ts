// ml-cart ships no types; this covers the part the step programs use.
declare module 'ml-cart' {
  export interface DecisionTreeOptions {
    gainFunction?: 'gini';
    splitFunction?: 'mean';
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }
  export interface DecisionTreeJSON {
    options: DecisionTreeOptions & { kind: string };
    root: unknown;
    name: 'DTClassifier';
  }
  export class DecisionTreeClassifier {
    constructor(options?: DecisionTreeOptions);
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(toPredict: number[][]): number[];
    toJSON(): DecisionTreeJSON;
    static load(model: DecisionTreeJSON): DecisionTreeClassifier;
  }
}
