# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The two tree ensembles' sums as C loops (compiled by `pip install`, setup.py).

With a few dozen candidates an article, numpy's cost is its number of calls, not their size: a
loop walking each row down each tree does a tenth of the work. Each function gives, bit for bit,
the sums of the numpy code it stands in for (gazetteer.rank.Forest.columns and
geo.events.learned.Forest.raw, which use it when it is built; tests/test_compiled.py compares the
two): the same comparisons in the same precision, the leaf values added in numpy's order."""
import numpy as np

from cpython.mem cimport PyMem_Free, PyMem_Malloc


cdef double _pairwise(const double* a, Py_ssize_t n) noexcept nogil:
    """numpy's pairwise sum of n doubles (npy_pairwise_sum): np.sum's order along a contiguous axis."""
    cdef double res = 0.0
    cdef double r0, r1, r2, r3, r4, r5, r6, r7
    cdef Py_ssize_t i, half
    if n < 8:
        for i in range(n):
            res = res + a[i]
        return res
    if n > 128:
        half = n // 2
        half -= half % 8
        return _pairwise(a, half) + _pairwise(a + half, n - half)
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    i = 8
    while i < n - (n % 8):
        r0 = r0 + a[i]
        r1 = r1 + a[i + 1]
        r2 = r2 + a[i + 2]
        r3 = r3 + a[i + 3]
        r4 = r4 + a[i + 4]
        r5 = r5 + a[i + 5]
        r6 = r6 + a[i + 6]
        r7 = r7 + a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res = res + a[i]
        i += 1
    return res


cdef class CompleteTrees:
    """Complete trees of depth 4 (gazetteer.rank.Forest): per tree 15 split nodes in heap order (a
    row goes right when its value > threshold, both float32) and 16 leaves. The arrays are held as
    typed views, made once: per call only the rows' matrix is read through the buffer protocol."""
    cdef const Py_ssize_t[:, ::1] feature
    cdef const float[:, ::1] threshold
    cdef const double[:, ::1] value
    cdef double bias
    cdef Py_ssize_t trees

    def __init__(self, const Py_ssize_t[:, ::1] feature, const float[:, ::1] threshold,
                 const double[:, ::1] value, double bias):
        self.feature, self.threshold, self.value, self.bias = feature, threshold, value, bias
        self.trees = feature.shape[0]

    def columns(self, const float[:, :] XT):
        """Scores of the columns of XT (features x rows). The leaf values added as numpy's sum
        over the trees adds them: tree after tree for several rows, pairwise for one (its trees
        are then one contiguous run)."""
        cdef Py_ssize_t n = XT.shape[1], trees = self.trees, t, r, h
        cdef Py_ssize_t s0 = XT.strides[0] // sizeof(float), s1 = XT.strides[1] // sizeof(float)
        out = np.empty(n, dtype=np.float64)
        cdef double[::1] scores = out
        if n == 0 or trees == 0:
            for r in range(n):
                scores[r] = self.bias
            return out
        # each node's feature as an offset into a column of XT (its row times the row stride)
        cdef Py_ssize_t* offset = <Py_ssize_t*> PyMem_Malloc(trees * 15 * sizeof(Py_ssize_t))
        cdef double* leaves = <double*> PyMem_Malloc(trees * sizeof(double))
        if offset == NULL or leaves == NULL:
            PyMem_Free(offset)
            PyMem_Free(leaves)
            raise MemoryError()
        cdef const Py_ssize_t* feature = &self.feature[0, 0]
        cdef const float* threshold = &self.threshold[0, 0]
        cdef const double* value = &self.value[0, 0]
        cdef const float* base = &XT[0, 0]
        cdef const float* x
        cdef const Py_ssize_t* o
        cdef const float* th
        cdef double acc, v
        for t in range(trees * 15):
            offset[t] = feature[t] * s0
        for r in range(n):
            x = base + r * s1
            acc = 0.0
            for t in range(trees):
                o = offset + 15 * t
                th = threshold + 15 * t
                h = 1 + (x[o[0]] > th[0])
                h = 2 * h + 1 + (x[o[h]] > th[h])
                h = 2 * h + 1 + (x[o[h]] > th[h])
                h = 2 * h + 1 + (x[o[h]] > th[h])
                v = value[16 * t + h - 15]
                leaves[t] = v
                acc = acc + v
            if n == 1:
                acc = _pairwise(leaves, trees)
            scores[r] = acc + self.bias
        PyMem_Free(offset)
        PyMem_Free(leaves)
        return out


cdef class FlatTrees:
    """Trees stored flat (geo.events.learned.Forest): node i sends a row to
    left[i] + (x[feature[i]] > threshold[i]), `depth` steps from each root (a leaf is its own left,
    with a threshold no value exceeds). Typed views made once, as in CompleteTrees."""
    cdef const Py_ssize_t[::1] feature, left, roots
    cdef const double[::1] threshold, value
    cdef int depth

    def __init__(self, const Py_ssize_t[::1] feature, const double[::1] threshold, const Py_ssize_t[::1] left,
                 const double[::1] value, const Py_ssize_t[::1] roots, int depth):
        self.feature, self.threshold, self.left, self.value, self.roots = feature, threshold, left, value, roots
        self.depth = depth

    def raw(self, const double[:, :] x):
        """Summed leaf values of each row of x, added as numpy's sum over the last axis adds them
        (pairwise)."""
        cdef Py_ssize_t n = x.shape[0], trees = self.roots.shape[0], r, t, node, k
        cdef Py_ssize_t s0 = x.strides[0] // sizeof(double), s1 = x.strides[1] // sizeof(double)
        out = np.empty(n, dtype=np.float64)
        leaves = np.empty(max(trees, 1), dtype=np.float64)
        cdef double[::1] sums = out, one = leaves
        cdef const double* row
        for r in range(n):
            row = &x[0, 0] + r * s0
            for t in range(trees):
                node = self.roots[t]
                for k in range(self.depth):
                    node = self.left[node] + (row[self.feature[node] * s1] > self.threshold[node])
                one[t] = self.value[node]
            sums[r] = _pairwise(&one[0], trees)
        return out
