// Types for the two parts of `natural` the planner imports by file (the package root is slow to
// load, and these files ship no declarations of their own).
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string; tokenizeAndStem(text: string, keepStops?: boolean): string[] };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  interface Classification {
    label: string;
    value: number;
  }
  class BayesClassifier {
    constructor(stemmer?: { stem(token: string): string; tokenizeAndStem(text: string, keepStops?: boolean): string[] }, smoothing?: number);
    addDocument(text: string | string[], label: string): void;
    train(): void;
    classify(observation: string | string[]): string;
    getClassifications(observation: string | string[]): Classification[];
    static restore(classifier: unknown, stemmer?: unknown): BayesClassifier;
  }
  export default BayesClassifier;
}
