extension MarketData {
    /// Reads MarketGym's HDF5 bar layout (docs/data.md).
    /// - Throws: `DataFileError.badLayout` until the HDF5 module lands.
    static func readHDF5(file: String) throws(DataFileError) -> MarketData {
        throw .badLayout(file: file, path: "/", expected: "a CSV file (HDF5 bars are not readable in this build yet)", found: "an HDF5 file")
    }
}

extension PredictionTable {
    /// Reads MarketGym's HDF5 prediction layout (docs/data.md).
    /// - Throws: `DataFileError.badLayout` until the HDF5 module lands.
    static func readHDF5(file: String) throws(DataFileError) -> PredictionTable {
        throw .badLayout(file: file, path: "/", expected: "a CSV file (HDF5 predictions are not readable in this build yet)", found: "an HDF5 file")
    }
}
