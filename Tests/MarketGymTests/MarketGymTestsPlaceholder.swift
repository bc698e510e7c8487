import Testing

// Tests for the MarketGym module live in this folder, one file per type under test.
