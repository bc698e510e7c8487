import Testing

// Tests for the Lab module live in this folder, one file per type under test.
