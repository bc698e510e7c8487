import Testing

// Tests for the NeuralNet module live in this folder, one file per type under test.
