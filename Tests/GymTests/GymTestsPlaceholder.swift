import Testing

// Tests for the Gym module live in this folder, one file per type under test.
