/// The heap buffer behind a ``Tensor``: a fixed-capacity block of `Float`s.
///
/// Tensors share a storage until one of them mutates (copy-on-write, decided by
/// `isKnownUniquelyReferenced`). The capacity may exceed a tensor's element count when a tape
/// reuses a pooled buffer for a smaller result.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    // @unchecked: the buffer is only written through a uniquely referenced storage (copy-on-write),
    // or by a tape or optimizer that owns it; shared storages are read-only.
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let capacity: Int

    @usableFromInline
    init(capacity: Int) {
        precondition(capacity >= 0, "TensorStorage: negative capacity \(capacity)")
        self.capacity = capacity
        // 64-byte alignment suits AVX-512 loads in OpenBLAS and the vectorized loops.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
    }

    @usableFromInline
    func copy(count: Int) -> TensorStorage {
        let s = TensorStorage(capacity: count)
        s.pointer.update(from: pointer, count: count)
        return s
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
