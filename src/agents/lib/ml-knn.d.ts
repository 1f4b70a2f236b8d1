// ml-knn ships no types; this covers the part the step programs use.
declare module 'ml-knn' {
  export interface KNNOptions {
    /** Neighbours that vote; the library's default is the number of classes + 1. */
    k?: number;
  }
  export interface KNNJSON {
    name: 'KNN';
    kdTree: unknown;
    k: number;
    classes: number[];
    isEuclidean: boolean;
  }
  /** Each stored point is the feature vector with its label appended. */
  export interface KDTree {
    nearest(point: number[], maxNodes: number): [number[], number][];
  }
  export default class KNN {
    constructor(dataset: number[][], labels: number[], options?: KNNOptions);
    k: number;
    kdTree: KDTree;
    predict(dataset: number[][]): number[];
    toJSON(): KNNJSON;
    static load(model: KNNJSON): KNN;
  }
}
