// ml-naivebayes ships no types; this covers the part the step programs use.
declare module 'ml-naivebayes' {
  /** Per class: [log prior, then per feature [1 / (sqrt(2π) σ), -2 σ²]]. */
  export type GaussianClassParams = [number, ...[number, number][]];
  export interface GaussianNBJSON {
    modelName: 'NaiveBayes';
    means: number[][];
    calculateProbabilities: GaussianClassParams[];
  }
  export class GaussianNB {
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(dataset: number[][]): number[];
    toJSON(): GaussianNBJSON;
    static load(model: GaussianNBJSON): GaussianNB;
  }
}
