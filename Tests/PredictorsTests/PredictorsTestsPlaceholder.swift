import Testing

// Tests for the Predictors module live in this folder, one file per type under test.
