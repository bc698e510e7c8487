import Foundation

extension ActServer {
    /// Splits a byte stream into lines in linear time, with a bound on line length.
    ///
    /// Each byte is scanned once: the search for the next newline resumes where the last one
    /// stopped, and consumed lines are dropped once per chunk (not once per line). A line longer
    /// than `maxLineBytes` is not held: its bytes are dropped as they arrive and, at its newline, it
    /// is reported as ``Event/tooLong(number:length:)``.
    public struct LineReader: Sendable {
        /// What the reader hands out, in input order.
        public enum Event: Equatable, Sendable {
            /// A complete line (without its newline), numbered from 1.
            case line(number: Int, bytes: ArraySlice<UInt8>)
            /// A line over the limit; `length` is its full length in bytes.
            case tooLong(number: Int, length: Int)
        }

        /// Lines longer than this are reported as too long, in bytes.
        public let maxLineBytes: Int
        /// Bytes scanned for a newline plus bytes moved by compaction, over the reader's life: at
        /// most twice the input for any input (what keeps the reader linear, and what tests assert).
        public private(set) var bytesExamined = 0
        private var pending: [UInt8] = []
        /// Where the newline search resumes in `pending`.
        private var scanned = 0
        /// Bytes of the current over-long line dropped so far (nil while the line is within the limit).
        private var discarded: Int?
        private var lineNumber = 0

        /// A reader refusing lines longer than `maxLineBytes` (> 0).
        public init(maxLineBytes: Int) {
            precondition(maxLineBytes > 0, "LineReader: maxLineBytes must be > 0, got \(maxLineBytes)")
            self.maxLineBytes = maxLineBytes
        }

        /// Takes the next chunk of input and emits every line it completes.
        public mutating func feed<C: Collection<UInt8>>(_ chunk: C, _ emit: (Event) -> Void) {
            let scannedBefore = scanned
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[scanned...].firstIndex(of: 0x0A) {
                lineNumber += 1
                if let dropped = discarded {
                    emit(.tooLong(number: lineNumber, length: dropped + newline - start))
                    discarded = nil
                } else if newline - start > maxLineBytes {
                    emit(.tooLong(number: lineNumber, length: newline - start))
                } else {
                    emit(.line(number: lineNumber, bytes: pending[start..<newline]))
                }
                start = newline + 1
                scanned = start
            }
            bytesExamined += pending.count - scannedBefore
            scanned = pending.count
            if start > 0 {
                bytesExamined += pending.count - start
                pending.removeSubrange(0..<start)
                scanned -= start
            }
            // A partial line already over the limit: count its bytes and drop them.
            if pending.count > maxLineBytes {
                discarded = (discarded ?? 0) + pending.count
                pending.removeAll(keepingCapacity: true)
                scanned = 0
            }
        }

        /// Emits the last line when the input did not end with a newline.
        public mutating func finish(_ emit: (Event) -> Void) {
            if let dropped = discarded {
                lineNumber += 1
                emit(.tooLong(number: lineNumber, length: dropped + pending.count))
            } else if !pending.isEmpty {
                lineNumber += 1
                emit(.line(number: lineNumber, bytes: pending[...]))
            }
            pending.removeAll()
            discarded = nil
            scanned = 0
        }
    }
}
