// The HDF5 module. See docs/architecture.md for what lives here.
