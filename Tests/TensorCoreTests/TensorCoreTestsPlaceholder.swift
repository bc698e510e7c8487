import Testing

// Tests for the TensorCore module live in this folder, one file per type under test.
