import Testing

// Tests for the HDF5 module live in this folder, one file per type under test.
