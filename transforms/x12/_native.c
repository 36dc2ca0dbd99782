/* Native 835 reader: tokenize, check envelopes and flatten a whole 835 file into columnar buffers.
 *
 * The pure-Python reader (transforms/x12/reader.py, flatten_835.py) is the reference. This module
 * reproduces it for the well-formed common case only: one file, ASCII, starting with "ISA", every
 * envelope closed and counted right, every transaction set an 835, every value in its plain form.
 * Anything else (a finding, an error, a 4010 quirk it does not know, a non-plain number, a bad
 * date, negative units outside a reversal...) raises `Declined` and the caller reads the file with
 * the Python reader instead, so the two paths never disagree: this one simply refuses.
 *
 * Output: `Reader835(path, file_name, file_sha256, flush_segments)`; `next()` reads at least
 * `flush_segments` segments (or to the end) and returns (done, tables): `tables` holds, per x835_*
 * table in contract order, None or (rows, columns) where each column is a tuple of bytes objects in
 * Arrow layout: (validity or None, data) for fixed width, (validity or None, offsets, data) for
 * strings. Money and quantities are decimal128 (scaled integers), dates int32 days, booleans bit
 * packed. Rows are those of loops closed so far (like `Flattener.drain`), so memory stays bounded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define MAX_SEG (1 << 20) /* transforms.x12.constants.MAX_SEGMENT_CHARS */
#define MAXEL 64
#define DEC_LIMIT 1000000000000000000LL /* |scaled| < 10^18: DECIMAL(18, s) */

static PyObject *Declined;
static int g_oom; /* set when an allocation failed; the GIL is held throughout */

/* ---- growable buffers --------------------------------------------------------------------- */
typedef struct {
    char *p;
    Py_ssize_t len, cap;
    Py_ssize_t hint; /* capacity to allocate at once after the memory was handed over */
} Buf;

static int grow_slow(Buf *b, Py_ssize_t need) {
    Py_ssize_t cap = b->cap ? b->cap : (b->hint > 256 ? b->hint : 256);
    while (cap < b->len + need) cap *= 2;
    char *p = PyMem_RawRealloc(b->p, (size_t)cap);
    if (!p) {
        g_oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static inline int grow(Buf *b, Py_ssize_t need) {
    if (b->len + need <= b->cap) return 0;
    return grow_slow(b, need);
}

static void buf_free(Buf *b) {
    PyMem_RawFree(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static inline void add(Buf *b, const char *p, Py_ssize_t n) {
    if (grow(b, n)) return;
    char *d = b->p + b->len;
    if (n <= 16) { /* most values: overlapping word moves instead of a call to memcpy */
        if (n >= 8) {
            uint64_t a, z;
            memcpy(&a, p, 8);
            memcpy(&z, p + n - 8, 8);
            memcpy(d, &a, 8);
            memcpy(d + n - 8, &z, 8);
        } else if (n >= 4) {
            uint32_t a, z;
            memcpy(&a, p, 4);
            memcpy(&z, p + n - 4, 4);
            memcpy(d, &a, 4);
            memcpy(d + n - 4, &z, 4);
        } else {
            for (Py_ssize_t i = 0; i < n; i++) d[i] = p[i];
        }
    } else {
        memcpy(d, p, (size_t)n);
    }
    b->len += n;
}

typedef struct {
    const char *p;
    Py_ssize_t n;
} El;

static const El EMPTY = {"", 0};

static void oset(Buf *b, El e) {
    b->len = 0;
    add(b, e.p, e.n);
}

static El oel(const Buf *b) {
    El e = {b->p ? b->p : "", b->len};
    return e;
}

static int eq(El e, const char *s) {
    size_t n = strlen(s);
    return (size_t)e.n == n && memcmp(e.p, s, n) == 0;
}

static int eq_el(El a, El b) { return a.n == b.n && memcmp(a.p, b.p, (size_t)a.n) == 0; }

/* ---- columns ------------------------------------------------------------------------------ */
/* s string, m DECIMAL(18,2), q DECIMAL(18,6), d DATE, i INTEGER, l BIGINT, b BOOLEAN */
typedef struct {
    char type;
    Buf data, offs, valid;
    int64_t n, nulls;
} Col;

#define MAXCOL 40
typedef struct {
    const char *name;
    const char *types;
    int ncols;
    int64_t rows;
    Col cols[MAXCOL];
} Table;

#define LIN "ssssssl" /* file_name .. x12_version, segment_position */
static const char *TABLE_NAMES[6] = {"x835_payments", "x835_service_lines", "x835_claims",
                                     "x835_adjustments", "x835_provider_adjustments", "x835_remarks"};
static const char *TABLE_TYPES[6] = {
    "s" LIN "smssdsssssssssdimmmb",
    "sss" LIN "issssssmmsqssqddsmmmb",
    "ss" LIN "ssmmmssssssssdddsimmmmb",
    "ssss" LIN "sssmq",
    "ss" LIN "sdssm",
    "ssss" LIN "ssss",
};
enum { T_PAY, T_LINE, T_CLAIM, T_ADJ, T_PLB, T_REM, NTAB };

/* The validity bitmap is made only when a column gets its first null (most never do). */
static void first_null(Col *c) {
    Py_ssize_t bytes = (Py_ssize_t)((c->n + 8) / 8);
    c->valid.len = 0;
    if (grow(&c->valid, bytes)) return;
    memset(c->valid.p, 0xff, (size_t)bytes);
    c->valid.len = bytes;
}

static inline void vbit(Col *c, int ok) {
    if (ok) {
        if (!c->nulls) return;
    } else if (!c->nulls) {
        first_null(c);
        if (g_oom) return;
    }
    int64_t i = c->n;
    if ((i & 7) == 0 && !(c->valid.len > (i >> 3))) {
        if (grow(&c->valid, 1)) return;
        c->valid.p[c->valid.len++] = 0;
    }
    if (ok)
        c->valid.p[i >> 3] |= (char)(1 << (i & 7));
    else
        c->valid.p[i >> 3] &= (char)~(1 << (i & 7));
    if (!ok) c->nulls++;
}

static inline void put_s(Col *c, const char *p, Py_ssize_t n) {
    vbit(c, 1);
    add(&c->data, p, n);
    int32_t o = (int32_t)c->data.len;
    add(&c->offs, (const char *)&o, 4);
    c->n++;
}

static inline void put_null(Col *c) {
    vbit(c, 0);
    switch (c->type) {
    case 's': {
        int32_t o = (int32_t)c->data.len;
        add(&c->offs, (const char *)&o, 4);
        break;
    }
    case 'm':
    case 'q': {
        char z[16] = {0};
        add(&c->data, z, 16);
        break;
    }
    case 'd':
    case 'i': {
        char z[4] = {0};
        add(&c->data, z, 4);
        break;
    }
    case 'l': {
        char z[8] = {0};
        add(&c->data, z, 8);
        break;
    }
    case 'b':
        if ((c->n & 7) == 0 && !grow(&c->data, 1)) c->data.p[c->data.len++] = 0;
        break;
    }
    c->n++;
}

/* an element value, or null when empty (Python's `value or None`) */
static inline void put_so(Col *c, El e) {
    if (e.n)
        put_s(c, e.p, e.n);
    else
        put_null(c);
}

static inline void put_sv(Col *c, El e) { put_s(c, e.p, e.n); }

static inline void put_dec(Col *c, int64_t v) {
    vbit(c, 1);
    int64_t hi = v < 0 ? -1 : 0;
    if (!grow(&c->data, 16)) {
        memcpy(c->data.p + c->data.len, &v, 8);
        memcpy(c->data.p + c->data.len + 8, &hi, 8);
        c->data.len += 16;
    }
    c->n++;
}

static inline void put_deco(Col *c, int has, int64_t v) {
    if (has)
        put_dec(c, v);
    else
        put_null(c);
}

static inline void put_i32(Col *c, int32_t v) {
    vbit(c, 1);
    add(&c->data, (const char *)&v, 4);
    c->n++;
}

static inline void put_i32o(Col *c, int has, int32_t v) {
    if (has)
        put_i32(c, v);
    else
        put_null(c);
}

static inline void put_i64(Col *c, int64_t v) {
    vbit(c, 1);
    add(&c->data, (const char *)&v, 8);
    c->n++;
}

static inline void put_b(Col *c, int v) {
    vbit(c, 1);
    if ((c->n & 7) == 0 && !grow(&c->data, 1)) c->data.p[c->data.len++] = 0;
    if (v && c->data.p) c->data.p[c->n >> 3] |= (char)(1 << (c->n & 7));
    c->n++;
}

static void table_reset(Table *t) {
    t->rows = 0;
    for (int i = 0; i < t->ncols; i++) {
        Col *c = &t->cols[i];
        c->data.len = c->offs.len = c->valid.len = 0;
        c->n = c->nulls = 0;
        if (c->type == 's') {
            int32_t z = 0;
            add(&c->offs, (const char *)&z, 4);
        }
    }
}

static void table_init(Table *t, int k) {
    memset(t, 0, sizeof(*t));
    t->name = TABLE_NAMES[k];
    t->types = TABLE_TYPES[k];
    t->ncols = (int)strlen(t->types);
    for (int i = 0; i < t->ncols; i++) t->cols[i].type = t->types[i];
    table_reset(t);
}

static void table_free(Table *t) {
    for (int i = 0; i < t->ncols; i++) {
        buf_free(&t->cols[i].data);
        buf_free(&t->cols[i].offs);
        buf_free(&t->cols[i].valid);
    }
}

/* Memory handed to Python without a copy: a read-only buffer that frees itself (pa.py_buffer keeps
 * a reference for as long as Arrow uses it). */
typedef struct {
    PyObject_HEAD char *p;
    Py_ssize_t len;
} Memory;

static int Memory_getbuffer(Memory *m, Py_buffer *view, int flags) {
    return PyBuffer_FillInfo(view, (PyObject *)m, m->p ? m->p : (char *)"", m->len, 1, flags);
}

static void Memory_dealloc(Memory *m) {
    PyMem_RawFree(m->p);
    Py_TYPE(m)->tp_free((PyObject *)m);
}

static PyBufferProcs Memory_as_buffer = {(getbufferproc)Memory_getbuffer, NULL};

static PyTypeObject MemoryType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "transforms.x12._native.Memory",
    .tp_basicsize = sizeof(Memory),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Column memory of the native reader (buffer protocol, read-only).",
    .tp_dealloc = (destructor)Memory_dealloc,
    .tp_as_buffer = &Memory_as_buffer,
};

/* the buffer's memory as a Memory object; the buffer starts again empty and allocates its previous
 * capacity at once when it is next written (fresh memory: reusing blocks handed back by Arrow was
 * tried, and cost peak memory for no measurable time) */
static PyObject *bytes_of(Buf *b) {
    Memory *m = PyObject_New(Memory, &MemoryType);
    if (!m) return NULL;
    m->p = b->p;
    m->len = b->len;
    b->hint = b->cap;
    b->p = NULL;
    b->len = b->cap = 0;
    return (PyObject *)m;
}

/* (rows, (column, ...)) or None; then the table is emptied */
static PyObject *table_take(Table *t) {
    if (t->rows == 0) Py_RETURN_NONE;
    PyObject *cols = PyTuple_New(t->ncols);
    if (!cols) return NULL;
    for (int i = 0; i < t->ncols; i++) {
        Col *c = &t->cols[i];
        PyObject *valid;
        if (c->nulls) {
            valid = bytes_of(&c->valid);
            if (!valid) goto fail;
        } else {
            valid = Py_NewRef(Py_None);
        }
        PyObject *col = c->type == 's' ? Py_BuildValue("(NNN)", valid, bytes_of(&c->offs), bytes_of(&c->data))
                                       : Py_BuildValue("(NN)", valid, bytes_of(&c->data));
        if (!col) goto fail;
        PyTuple_SET_ITEM(cols, i, col);
    }
    PyObject *out = Py_BuildValue("(LN)", (long long)t->rows, cols);
    table_reset(t);
    return out;
fail:
    Py_DECREF(cols);
    return NULL;
}

/* ---- values (the plain forms of transforms.x12.values; anything else declines) -------------- */
static int fixed(El e, int maxint, int maxdec, int scale, int64_t *out) {
    const char *p = e.p, *end = e.p + e.n;
    int neg = 0, nd = 0, dd = 0;
    int64_t v = 0;
    if (p < end && *p == '-') neg = 1, p++;
    while (p < end && *p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0'), nd++;
    if (nd < 1 || nd > maxint) return -1;
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0'), dd++;
        if (dd < 1 || dd > maxdec) return -1;
    }
    if (p != end) return -1;
    for (; dd < scale; dd++) v *= 10;
    *out = neg ? -v : v;
    return 0;
}

static int days_in_month(int y, int m) {
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

static int32_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static int date8(El e, int32_t *out) {
    if (e.n != 8) return -1;
    for (int i = 0; i < 8; i++)
        if (e.p[i] < '0' || e.p[i] > '9') return -1;
    int y = (e.p[0] - '0') * 1000 + (e.p[1] - '0') * 100 + (e.p[2] - '0') * 10 + (e.p[3] - '0');
    int m = (e.p[4] - '0') * 10 + (e.p[5] - '0');
    int d = (e.p[6] - '0') * 10 + (e.p[7] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return -1;
    *out = days_from_civil(y, m, d);
    return 0;
}

static int pyspace(char c) { return c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31); }

static El pystrip(El e) { /* str.strip() for ASCII text */
    while (e.n && pyspace(e.p[0])) e.p++, e.n--;
    while (e.n && pyspace(e.p[e.n - 1])) e.n--;
    return e;
}

static int all_digits(El e) {
    if (!e.n) return 0;
    for (Py_ssize_t i = 0; i < e.n; i++)
        if (e.p[i] < '0' || e.p[i] > '9') return 0;
    return 1;
}

static El strip_zeros(El e) {
    while (e.n > 1 && e.p[0] == '0') e.p++, e.n--;
    return e;
}

/* reader._count_agrees */
static int count_agrees(El raw, int64_t expected) {
    raw = pystrip(raw);
    if (!all_digits(raw)) return 0;
    raw = strip_zeros(raw);
    char want[32];
    int n = snprintf(want, sizeof want, "%lld", (long long)expected);
    return raw.n == n && memcmp(raw.p, want, (size_t)n) == 0;
}

/* reader.same_control_number */
static int same_control(El a, El b) {
    a = pystrip(a);
    b = pystrip(b);
    if (eq_el(a, b)) return 1;
    return all_digits(a) && all_digits(b) && eq_el(strip_zeros(a), strip_zeros(b));
}

/* ---- the reader --------------------------------------------------------------------------- */
enum { L_HEADER, L_PAYER, L_PAYEE, L_OTHER, L_CLAIM, L_LINE, L_TRAILER };

typedef struct {
    int open;
    int64_t pos;
    Buf id, clp[12];
    int64_t billed, paid, resp;
    int has_resp;
    Buf patient, insured, npi, refs;
    int nrefs;
    int32_t start, end, received;
    int has_start, has_end, has_received;
    int32_t line_count;
    int64_t line_paid, claim_adj, line_adj;
} Claim;

typedef struct {
    int open;
    int64_t pos;
    Buf id, svc1, svc4, svc6, ctrl;
    int32_t seq;
    int64_t billed, paid, units, orig, allowed, adj;
    int has_units, has_orig, has_allowed;
    int32_t d472, d150, d151;
    int has_472, has_150, has_151;
} Line;

typedef struct {
    PyObject_HEAD int fd;
    int eof, done, started, failed;
    Buf in;
    Py_ssize_t start; /* unprocessed bytes are in.p[start .. in.len) */
    char el_sep, comp, term;
    int expect_isa;
    int64_t flush, pos, last_flush;
    /* envelopes */
    int in_isa, in_gs, in_tx;
    Buf isa13, gs06, gs08, st02;
    int64_t isa_count, gs_count, tx_pos;
    int64_t interchanges, groups, transactions;
    PyObject *versions; /* distinct non-empty GS08, in order */
    /* lineage */
    Buf file_name, sha, prefix, icn, gcn, tcn, payment_id;
    /* transaction state */
    int loop;
    int has_bpr, has_payment, has_payment_date, has_trn, has_production;
    Buf bpr1, bpr3, bpr4, trn2, trn3, payer2, payer4, payee2, payee3, payee4, ref2u, reftj;
    int64_t payment, claim_paid, plb_total;
    int32_t payment_date, production, claim_count;
    Claim claim;
    Line line;
    Table tables[NTAB];
    const char *why;
    int64_t why_pos;
} Reader;

#define DECLINE(r, msg)                                                                             \
    do {                                                                                           \
        (r)->why = (msg);                                                                          \
        (r)->why_pos = (r)->pos;                                                                   \
        return -1;                                                                                 \
    } while (0)

static int in_range(int64_t v) { return v > -DEC_LIMIT && v < DEC_LIMIT; }

static int money(Reader *r, El e, int64_t *out) {
    if (fixed(e, 16, 2, 2, out)) DECLINE(r, "amount not in plain form");
    return 0;
}

static int acc(Reader *r, int64_t *total, int64_t v) {
    *total += v;
    if (!in_range(*total)) DECLINE(r, "total out of DECIMAL(18,2) range");
    return 0;
}

#define E(i) ((i) < nel ? el[(i)] : EMPTY)

static inline int decimal_digits(char *out, int64_t v) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    return n;
}

/* a row id: `<first 16 hex of the SHA-256>:<position>[:<k>]` */
static Py_ssize_t make_id(char *out, Reader *r, int64_t pos, int k) {
    Py_ssize_t n = r->prefix.len;
    memcpy(out, r->prefix.p, (size_t)n);
    out[n++] = ':';
    n += decimal_digits(out + n, pos);
    if (k) {
        out[n++] = ':';
        n += decimal_digits(out + n, k);
    }
    return n;
}

static Col *lineage(Reader *r, Col *c, int64_t pos) {
    put_sv(c++, oel(&r->file_name));
    put_sv(c++, oel(&r->sha));
    put_sv(c++, oel(&r->icn));
    put_sv(c++, oel(&r->gcn));
    put_sv(c++, oel(&r->tcn));
    put_so(c++, oel(&r->gs08));
    put_i64(c++, pos);
    return c;
}

static void split2(El e, char sep, El *parts, int max) {
    int k = 0;
    const char *p = e.p, *end = e.p + e.n;
    for (int i = 0; i < max; i++) parts[i] = EMPTY;
    while (k < max) {
        const char *q = memchr(p, sep, (size_t)(end - p));
        if (!q) {
            parts[k].p = p;
            parts[k].n = end - p;
            break;
        }
        parts[k].p = p;
        parts[k].n = q - p;
        k++;
        p = q + 1;
    }
}

static int close_line(Reader *r) {
    Line *l = &r->line;
    if (!l->open) return 0;
    l->open = 0;
    Claim *c = &r->claim;
    if (acc(r, &c->line_paid, l->paid)) return -1;
    El proc[6], orig[2];
    split2(oel(&l->svc1), r->comp, proc, 6);
    split2(oel(&l->svc6), r->comp, orig, 2);
    int has_sd = l->has_472 || l->has_150;
    int32_t sd = l->has_472 ? l->d472 : l->d150;
    int64_t diff = l->billed - l->adj - l->paid;
    if (!in_range(diff)) DECLINE(r, "difference out of range");
    Table *t = &r->tables[T_LINE];
    Col *k = t->cols;
    put_sv(k++, oel(&l->id));
    put_sv(k++, oel(&c->id));
    put_sv(k++, oel(&r->payment_id));
    k = lineage(r, k, l->pos);
    put_i32(k++, l->seq);
    for (int i = 0; i < 6; i++) put_so(k++, proc[i]);
    put_dec(k++, l->billed);
    put_dec(k++, l->paid);
    put_so(k++, oel(&l->svc4));
    put_deco(k++, l->has_units, l->units);
    put_so(k++, orig[0]);
    put_so(k++, orig[1]);
    put_deco(k++, l->has_orig, l->orig);
    put_i32o(k++, has_sd, sd);
    if (l->has_151)
        put_i32(k++, l->d151);
    else
        put_i32o(k++, has_sd, sd);
    put_so(k++, oel(&l->ctrl));
    put_deco(k++, l->has_allowed, l->allowed);
    put_dec(k++, l->adj);
    put_dec(k++, diff);
    put_b(k++, diff == 0);
    t->rows++;
    return 0;
}

static int close_claim(Reader *r) {
    Claim *c = &r->claim;
    if (!c->open) return 0;
    if (close_line(r)) return -1;
    c->open = 0;
    int64_t diff = c->billed - c->claim_adj - c->line_adj - c->paid;
    if (diff == 0 && c->line_count) diff = c->line_paid - c->claim_adj - c->paid;
    if (!in_range(diff)) DECLINE(r, "difference out of range");
    r->claim_count++;
    if (acc(r, &r->claim_paid, c->paid)) return -1;
    Table *t = &r->tables[T_CLAIM];
    Col *k = t->cols;
    put_sv(k++, oel(&c->id));
    put_sv(k++, oel(&r->payment_id));
    k = lineage(r, k, c->pos);
    put_sv(k++, oel(&c->clp[1]));
    put_sv(k++, oel(&c->clp[2]));
    put_dec(k++, c->billed);
    put_dec(k++, c->paid);
    put_deco(k++, c->has_resp, c->resp);
    put_so(k++, oel(&c->clp[6]));
    put_so(k++, oel(&c->clp[7]));
    put_so(k++, oel(&c->clp[8]));
    put_so(k++, oel(&c->clp[9]));
    put_so(k++, oel(&c->clp[11]));
    put_so(k++, oel(&c->patient));
    put_so(k++, oel(&c->insured));
    put_so(k++, oel(&c->npi));
    put_i32o(k++, c->has_start, c->start);
    put_i32o(k++, c->has_end, c->end);
    put_i32o(k++, c->has_received, c->received);
    if (c->nrefs)
        put_sv(k++, oel(&c->refs));
    else
        put_null(k++);
    put_i32(k++, c->line_count);
    put_dec(k++, c->line_paid);
    put_dec(k++, c->claim_adj);
    put_dec(k++, c->line_adj);
    put_dec(k++, diff);
    put_b(k++, diff == 0);
    t->rows++;
    return 0;
}

/* Flattener.date: empty -> no date; not a calendar date -> a finding (declined) */
static int opt_date(Reader *r, El e, int *has, int32_t *out) {
    if (!e.n) {
        *has = 0;
        return 0;
    }
    if (date8(e, out)) DECLINE(r, "date is not a plain CCYYMMDD calendar date");
    *has = 1;
    return 0;
}

static void tx_reset(Reader *r) {
    r->loop = L_HEADER;
    r->has_bpr = r->has_payment = r->has_payment_date = r->has_trn = r->has_production = 0;
    Buf *bufs[] = {&r->bpr1,   &r->bpr3,   &r->bpr4,   &r->trn2,   &r->trn3,  &r->payer2,
                   &r->payer4, &r->payee2, &r->payee3, &r->payee4, &r->ref2u, &r->reftj};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) bufs[i]->len = 0;
    r->payment = r->claim_paid = r->plb_total = 0;
    r->claim_count = 0;
    r->claim.open = r->line.open = 0;
}

static int finish_tx(Reader *r) {
    if (close_claim(r)) return -1;
    if (!r->has_bpr || !r->has_payment) DECLINE(r, "835 without a BPR");
    int64_t signed_ = eq(oel(&r->bpr3), "D") ? -r->payment : r->payment;
    int64_t diff = signed_ - (r->claim_paid - r->plb_total);
    if (!in_range(diff)) DECLINE(r, "difference out of range");
    El trace_orig = oel(&r->trn3);
    El payee_q = oel(&r->payee3), payee_code = oel(&r->payee4);
    Table *t = &r->tables[T_PAY];
    Col *k = t->cols;
    put_sv(k++, oel(&r->payment_id));
    k = lineage(r, k, r->tx_pos);
    put_so(k++, oel(&r->bpr1));
    put_dec(k++, r->payment);
    put_so(k++, oel(&r->bpr3));
    put_so(k++, oel(&r->bpr4));
    put_i32o(k++, r->has_payment_date, r->payment_date);
    put_so(k++, oel(&r->trn2));
    put_so(k++, trace_orig);
    El payer_id = r->payer4.len ? oel(&r->payer4) : (r->ref2u.len ? oel(&r->ref2u) : trace_orig);
    put_so(k++, payer_id);
    put_so(k++, oel(&r->payer2));
    put_so(k++, payee_code);
    put_so(k++, payee_q);
    put_so(k++, oel(&r->payee2));
    put_so(k++, eq(payee_q, "XX") ? payee_code : EMPTY);
    put_so(k++, eq(payee_q, "FI") && payee_code.n ? payee_code : oel(&r->reftj));
    put_i32o(k++, r->has_production, r->production);
    put_i32(k++, r->claim_count);
    put_dec(k++, r->claim_paid);
    put_dec(k++, r->plb_total);
    put_dec(k++, diff);
    put_b(k++, diff == 0);
    t->rows++;
    return 0;
}

static int valid_segment_id(El e) {
    if (e.n < 2 || e.n > 3 || e.p[0] < 'A' || e.p[0] > 'Z') return 0;
    for (Py_ssize_t i = 1; i < e.n; i++)
        if (!((e.p[i] >= 'A' && e.p[i] <= 'Z') || (e.p[i] >= '0' && e.p[i] <= '9'))) return 0;
    return 1;
}

static int seg_cas(Reader *r, El *el, int nel) {
    Claim *c = &r->claim;
    Line *l = &r->line;
    int line_level;
    if (r->loop == L_LINE)
        line_level = 1;
    else if (r->loop == L_CLAIM)
        line_level = 0;
    else
        DECLINE(r, "CAS outside a claim or service line");
    El group = E(1);
    if (!group.n) DECLINE(r, "CAS01 empty");
    int64_t total = 0;
    Table *t = &r->tables[T_ADJ];
    char id[64];
    for (int k = 1, i = 2; i <= 17; i += 3, k++) {
        if (i >= nel) break;
        El reason = el[i];
        if (!reason.n) {
            if (i + 1 < nel && el[i + 1].n) DECLINE(r, "CAS amount without a reason");
            continue;
        }
        int64_t amount, qty = 0;
        El a = E(i + 1);
        if (!a.n) DECLINE(r, "CAS amount empty");
        if (money(r, a, &amount) || acc(r, &total, amount)) return -1;
        int has_qty = 0;
        if (i + 2 < nel && el[i + 2].n) {
            if (fixed(el[i + 2], 12, 6, 6, &qty)) DECLINE(r, "quantity not in plain form");
            has_qty = 1;
        }
        Col *col = t->cols;
        put_s(col++, id, make_id(id, r, r->pos, k));
        put_sv(col++, oel(&r->payment_id));
        put_sv(col++, oel(&c->id));
        if (line_level)
            put_sv(col++, oel(&l->id));
        else
            put_null(col++);
        col = lineage(r, col, r->pos);
        put_sv(col++, line_level ? (El){"line", 4} : (El){"claim", 5});
        put_sv(col++, group);
        put_sv(col++, reason);
        put_dec(col++, amount);
        put_deco(col++, has_qty, qty);
        t->rows++;
    }
    if (line_level) {
        if (acc(r, &l->adj, total) || acc(r, &c->line_adj, total)) return -1;
    } else if (acc(r, &c->claim_adj, total)) {
        return -1;
    }
    return 0;
}

static int seg_remarks(Reader *r, El *el, int nel, const int *idx) {
    if (r->loop != L_CLAIM) DECLINE(r, "MIA/MOA outside a claim");
    Table *t = &r->tables[T_REM];
    char id[64];
    int k = 0;
    for (int j = 0; j < 5; j++) {
        El code = E(idx[j]);
        if (!code.n) continue;
        k++;
        Col *col = t->cols;
        put_s(col++, id, make_id(id, r, r->pos, k));
        put_sv(col++, oel(&r->payment_id));
        put_sv(col++, oel(&r->claim.id));
        put_null(col++);
        col = lineage(r, col, r->pos);
        put_sv(col++, (El){"claim", 5});
        put_sv(col++, el[0]);
        put_null(col++);
        put_sv(col++, code);
        t->rows++;
    }
    return 0;
}

static int seg_svc(Reader *r, El *el, int nel) {
    Claim *c = &r->claim;
    Line *l = &r->line;
    if (!c->open || (r->loop != L_CLAIM && r->loop != L_LINE)) DECLINE(r, "SVC outside a claim");
    if (l->open && close_line(r)) return -1;
    int64_t billed, paid, units = 0, orig = 0;
    El b = E(2), p = E(3);
    if (!b.n || !p.n) DECLINE(r, "SVC02/SVC03 empty");
    if (money(r, b, &billed) || money(r, p, &paid)) return -1;
    c->line_count++;
    int has_units = 0, has_orig = 0;
    if (E(5).n) {
        if (fixed(E(5), 12, 6, 6, &units)) DECLINE(r, "quantity not in plain form");
        has_units = 1;
    }
    if (E(7).n) {
        if (fixed(E(7), 12, 6, 6, &orig)) DECLINE(r, "quantity not in plain form");
        has_orig = 1;
    }
    if (((has_units && units < 0) || (has_orig && orig < 0)) && !eq(oel(&c->clp[2]), "22"))
        DECLINE(r, "negative units outside a reversal (a finding)");
    char id[64];
    l->id.len = 0;
    add(&l->id, id, make_id(id, r, r->pos, 0));
    l->open = 1;
    l->pos = r->pos;
    l->seq = c->line_count;
    oset(&l->svc1, E(1));
    oset(&l->svc4, E(4));
    oset(&l->svc6, E(6));
    l->ctrl.len = 0;
    l->billed = billed;
    l->paid = paid;
    l->units = units;
    l->has_units = has_units;
    l->orig = orig;
    l->has_orig = has_orig;
    l->has_allowed = 0;
    l->adj = 0;
    l->has_472 = l->has_150 = l->has_151 = 0;
    r->loop = L_LINE;
    return 0;
}

static int seg_clp(Reader *r, El *el, int nel) {
    if (close_claim(r)) return -1;
    if (!E(1).n || !E(2).n) DECLINE(r, "CLP01/CLP02 empty");
    Claim *c = &r->claim;
    int64_t billed, paid, resp = 0;
    if (!E(3).n || !E(4).n) DECLINE(r, "CLP03/CLP04 empty");
    if (money(r, E(3), &billed) || money(r, E(4), &paid)) return -1;
    c->has_resp = 0;
    if (E(5).n) {
        if (money(r, E(5), &resp)) return -1;
        c->has_resp = 1;
    }
    char id[64];
    c->id.len = 0;
    add(&c->id, id, make_id(id, r, r->pos, 0));
    c->open = 1;
    c->pos = r->pos;
    for (int i = 1; i < 12; i++) oset(&c->clp[i], E(i));
    c->billed = billed;
    c->paid = paid;
    c->resp = resp;
    c->patient.len = c->insured.len = c->npi.len = c->refs.len = 0;
    c->nrefs = 0;
    c->has_start = c->has_end = c->has_received = 0;
    c->line_count = 0;
    c->line_paid = c->claim_adj = c->line_adj = 0;
    r->loop = L_CLAIM;
    return 0;
}

static int seg_plb(Reader *r, El *el, int nel) {
    if (close_claim(r)) return -1;
    r->loop = L_TRAILER;
    El provider = E(1);
    int has_period;
    int32_t period = 0;
    if (opt_date(r, E(2), &has_period, &period)) return -1;
    Table *t = &r->tables[T_PLB];
    char id[64];
    int top = nel < 14 ? nel : 14;
    for (int k = 1, i = 3; i < top; i += 2, k++) {
        if (!el[i].n) {
            if (E(i + 1).n) DECLINE(r, "PLB amount without a reason");
            continue;
        }
        El parts[2];
        split2(el[i], r->comp, parts, 2);
        int64_t amount;
        if (!E(i + 1).n) DECLINE(r, "PLB amount empty");
        if (money(r, E(i + 1), &amount) || acc(r, &r->plb_total, amount)) return -1;
        Col *col = t->cols;
        put_s(col++, id, make_id(id, r, r->pos, k));
        put_sv(col++, oel(&r->payment_id));
        col = lineage(r, col, r->pos);
        put_so(col++, provider);
        put_i32o(col++, has_period, period);
        put_so(col++, parts[0]);
        put_so(col++, parts[1]);
        put_dec(col++, amount);
        t->rows++;
    }
    return 0;
}

static const int MIA_IDX[5] = {5, 20, 21, 22, 23};
static const int MOA_IDX[5] = {3, 4, 5, 6, 7};

/* one segment between ST and SE that is not an envelope segment */
static int body_segment(Reader *r, El *el, int nel) {
    El sid = el[0];
    const char *s = sid.p;
    Claim *c = &r->claim;
    Line *l = &r->line;
    if (sid.n == 3) {
        if (!memcmp(s, "CAS", 3)) return seg_cas(r, el, nel);
        if (!memcmp(s, "SVC", 3)) return seg_svc(r, el, nel);
        if (!memcmp(s, "DTM", 3)) {
            El q = E(1);
            int has;
            int32_t v = 0;
            if (r->loop == L_LINE) {
                if (eq(q, "472")) {
                    if (opt_date(r, E(2), &has, &v)) return -1;
                    l->has_472 = has, l->d472 = v;
                } else if (eq(q, "150")) {
                    if (opt_date(r, E(2), &has, &v)) return -1;
                    l->has_150 = has, l->d150 = v;
                } else if (eq(q, "151")) {
                    if (opt_date(r, E(2), &has, &v)) return -1;
                    l->has_151 = has, l->d151 = v;
                }
            } else if (r->loop == L_CLAIM) {
                if (eq(q, "232")) {
                    if (opt_date(r, E(2), &has, &v)) return -1;
                    c->has_start = has, c->start = v;
                } else if (eq(q, "233")) {
                    if (opt_date(r, E(2), &has, &v)) return -1;
                    c->has_end = has, c->end = v;
                } else if (eq(q, "050")) {
                    if (opt_date(r, E(2), &has, &v)) return -1;
                    c->has_received = has, c->received = v;
                }
            } else if (eq(q, "405") && r->loop == L_HEADER) {
                if (opt_date(r, E(2), &has, &v)) return -1;
                r->has_production = has, r->production = v;
            }
            return 0;
        }
        if (!memcmp(s, "REF", 3)) {
            El q = E(1), v = E(2);
            if (r->loop == L_LINE) {
                if (eq(q, "6R") && !l->ctrl.len) oset(&l->ctrl, v);
            } else if (r->loop == L_CLAIM) {
                if (c->nrefs++) add(&c->refs, "|", 1);
                add(&c->refs, q.p, q.n);
                add(&c->refs, ":", 1);
                add(&c->refs, v.p, v.n);
            } else if (r->loop == L_PAYER && eq(q, "2U") && !r->ref2u.len) {
                oset(&r->ref2u, v);
            } else if (r->loop == L_PAYEE && eq(q, "TJ") && !r->reftj.len) {
                oset(&r->reftj, v);
            }
            return 0;
        }
        if (!memcmp(s, "CLP", 3)) return seg_clp(r, el, nel);
        if (!memcmp(s, "NM1", 3)) {
            if (r->loop != L_CLAIM) return 0;
            El e = E(1);
            if (eq(e, "QC"))
                oset(&c->patient, E(9));
            else if (eq(e, "IL"))
                oset(&c->insured, E(9));
            else if (eq(e, "82"))
                oset(&c->npi, E(9));
            return 0;
        }
        if (!memcmp(s, "AMT", 3)) {
            if (r->loop == L_LINE && nel > 1 && eq(el[1], "B6")) {
                l->has_allowed = 0;
                if (E(2).n) {
                    if (money(r, E(2), &l->allowed)) return -1;
                    l->has_allowed = 1;
                }
            }
            return 0;
        }
        if (!memcmp(s, "BPR", 3)) {
            r->has_bpr = 1;
            if (!E(2).n) DECLINE(r, "BPR02 empty");
            if (money(r, E(2), &r->payment)) return -1;
            r->has_payment = 1;
            if (opt_date(r, E(16), &r->has_payment_date, &r->payment_date)) return -1;
            oset(&r->bpr1, E(1));
            oset(&r->bpr3, E(3));
            oset(&r->bpr4, E(4));
            return 0;
        }
        if (!memcmp(s, "TRN", 3)) {
            if (!r->has_trn) {
                r->has_trn = 1;
                oset(&r->trn2, E(2));
                oset(&r->trn3, E(3));
            }
            return 0;
        }
        if (!memcmp(s, "PLB", 3)) return seg_plb(r, el, nel);
        if (!memcmp(s, "MIA", 3)) return seg_remarks(r, el, nel, MIA_IDX);
        if (!memcmp(s, "MOA", 3)) return seg_remarks(r, el, nel, MOA_IDX);
    } else if (sid.n == 2) {
        if (!memcmp(s, "N1", 2)) {
            if (close_claim(r)) return -1;
            El e = E(1);
            if (eq(e, "PR")) {
                r->loop = L_PAYER;
                oset(&r->payer2, E(2));
                oset(&r->payer4, E(4));
            } else if (eq(e, "PE")) {
                r->loop = L_PAYEE;
                oset(&r->payee2, E(2));
                oset(&r->payee3, E(3));
                oset(&r->payee4, E(4));
            } else {
                r->loop = L_OTHER;
            }
            return 0;
        }
        if (!memcmp(s, "LX", 2)) {
            if (close_claim(r)) return -1;
            r->loop = L_OTHER;
            return 0;
        }
        if (!memcmp(s, "LQ", 2)) {
            if (r->loop != L_LINE || !l->open) DECLINE(r, "LQ outside a service line");
            El code = E(2);
            if (!code.n) DECLINE(r, "LQ02 empty");
            Table *t = &r->tables[T_REM];
            char id[64];
            Col *col = t->cols;
            put_s(col++, id, make_id(id, r, r->pos, 0));
            put_sv(col++, oel(&r->payment_id));
            put_sv(col++, oel(&c->id));
            put_sv(col++, oel(&l->id));
            col = lineage(r, col, r->pos);
            put_sv(col++, (El){"line", 4});
            put_sv(col++, (El){"LQ", 2});
            put_so(col++, E(1));
            put_sv(col++, code);
            t->rows++;
            return 0;
        }
    }
    if (!valid_segment_id(sid)) DECLINE(r, "not a valid segment id");
    return 0;
}

static int add_version(Reader *r) {
    if (!r->gs08.len) return 0;
    PyObject *v = PyUnicode_FromStringAndSize(r->gs08.p, r->gs08.len);
    if (!v) return -1;
    int has = PySequence_Contains(r->versions, v);
    if (has == 0) has = PyList_Append(r->versions, v);
    Py_DECREF(v);
    return has < 0 ? -1 : 0;
}

/* returns 0, or -1 with r->why set (declined) or a Python error set (r->why NULL) */
static int segment(Reader *r, El *el, int nel) {
    r->pos++;
    El sid = el[0];
    int env = 0;
    if (sid.n == 2 && (!memcmp(sid.p, "GS", 2) || !memcmp(sid.p, "GE", 2) ||
                       !memcmp(sid.p, "ST", 2) || !memcmp(sid.p, "SE", 2)))
        env = 1;
    else if (sid.n == 3 && (!memcmp(sid.p, "ISA", 3) || !memcmp(sid.p, "IEA", 3)))
        env = 1;
    if (!env) {
        if (!r->in_tx) DECLINE(r, "segment outside a transaction set");
        return body_segment(r, el, nel);
    }
    if (r->in_tx && !eq(sid, "SE")) DECLINE(r, "transaction set without SE");
    if (eq(sid, "ST")) {
        if (!r->in_gs) DECLINE(r, "ST outside a functional group");
        if (!eq(E(1), "835")) DECLINE(r, "transaction set is not an 835");
        r->gs_count++;
        r->transactions++;
        r->in_tx = 1;
        r->tx_pos = r->pos;
        oset(&r->st02, E(2));
        oset(&r->tcn, pystrip(E(2)));
        char id[64];
        r->payment_id.len = 0;
        add(&r->payment_id, id, make_id(id, r, r->pos, 0));
        tx_reset(r);
    } else if (eq(sid, "SE")) {
        if (!r->in_tx) DECLINE(r, "SE outside a transaction set");
        if (!count_agrees(E(1), r->pos - r->tx_pos + 1)) DECLINE(r, "SE01 count (a finding)");
        if (!eq_el(pystrip(E(2)), pystrip(oel(&r->st02)))) DECLINE(r, "SE02 mismatch (a finding)");
        if (finish_tx(r)) return -1;
        r->in_tx = 0;
        if (add_version(r)) return -1;
    } else if (eq(sid, "GS")) {
        if (!r->in_isa || r->in_gs) DECLINE(r, "GS out of place");
        r->isa_count++;
        r->groups++;
        r->in_gs = 1;
        r->gs_count = 0;
        oset(&r->gs06, E(6));
        oset(&r->gcn, pystrip(E(6)));
        oset(&r->gs08, pystrip(E(8)));
    } else if (eq(sid, "GE")) {
        if (!r->in_gs) DECLINE(r, "GE without GS");
        if (!count_agrees(E(1), r->gs_count)) DECLINE(r, "GE01 count (a finding)");
        if (!same_control(oel(&r->gs06), E(2))) DECLINE(r, "GE02 mismatch (a finding)");
        r->in_gs = 0;
    } else if (eq(sid, "ISA")) {
        if (r->in_isa) DECLINE(r, "ISA without IEA before it");
        r->in_isa = 1;
        r->interchanges++;
        r->isa_count = 0;
        oset(&r->isa13, E(13));
        oset(&r->icn, pystrip(E(13)));
    } else { /* IEA */
        if (!r->in_isa || r->in_gs) DECLINE(r, "IEA out of place");
        if (!count_agrees(E(1), r->isa_count)) DECLINE(r, "IEA01 count (a finding)");
        if (!same_control(oel(&r->isa13), E(2))) DECLINE(r, "IEA02 mismatch (a finding)");
        r->in_isa = 0;
        r->expect_isa = 1;
    }
    return 0;
}

static int alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int delimiter(char c) { return !alnum(c) && c != ' '; }

static int inner_delimiter(char c) { return delimiter(c) && c != '\t' && c != '\r' && c != '\n'; }

static int split_segment(const char *p, Py_ssize_t n, char sep, El *el) {
    /* a byte loop: elements are short, a call to memchr per element costs more */
    int nel = 0;
    const char *start = p, *end = p + n;
    for (const char *q = p; q < end; q++) {
        if (*q == sep) {
            if (nel < MAXEL) {
                el[nel].p = start;
                el[nel].n = q - start;
            }
            nel++;
            start = q + 1;
        }
    }
    if (nel < MAXEL) {
        el[nel].p = start;
        el[nel].n = end - start;
    }
    return nel + 1;
}

static int padding(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* one raw segment (between terminators); empty ones are skipped like the tokenizer does */
static int raw_segment(Reader *r, const char *p, Py_ssize_t n) {
    while (n && padding(*p)) p++, n--;
    while (n && padding(p[n - 1])) n--;
    if (!n) return 0;
    if (n > MAX_SEG) DECLINE(r, "segment too long");
    El el[MAXEL];
    int nel = split_segment(p, n, r->el_sep, el);
    if (r->expect_isa) {
        r->expect_isa = 0;
        if (n >= 3 && !memcmp(p, "ISA", 3)) {
            if (nel != 17 || el[16].n != 1) DECLINE(r, "ISA with other separators");
            char comp = el[16].p[0];
            if (comp == r->el_sep || comp == r->term || !inner_delimiter(comp))
                DECLINE(r, "ISA with other separators");
            r->comp = comp;
        }
    }
    if (nel > MAXEL) {
        if (eq(el[0], "ISA") || eq(el[0], "GS") || eq(el[0], "GE") || eq(el[0], "ST") ||
            eq(el[0], "SE") || eq(el[0], "IEA") || eq(el[0], "CAS") || eq(el[0], "PLB") ||
            eq(el[0], "MIA") || eq(el[0], "MOA"))
            DECLINE(r, "too many elements");
        nel = MAXEL; /* elements past 24 are never read by the flattener */
    }
    return segment(r, el, nel);
}

static int ascii_only(const char *p, Py_ssize_t n) {
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ULL) return 0;
    }
    for (; i < n; i++)
        if ((unsigned char)p[i] & 0x80) return 0;
    return 1;
}

/* read more input; returns bytes read (0 at end), -1 declined/error */
static Py_ssize_t fill(Reader *r) {
    if (r->start) {
        memmove(r->in.p, r->in.p + r->start, (size_t)(r->in.len - r->start));
        r->in.len -= r->start;
        r->start = 0;
    }
    if (grow(&r->in, CHUNK)) return -1;
    Py_ssize_t got;
    do {
        got = read(r->fd, r->in.p + r->in.len, CHUNK);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    if (!ascii_only(r->in.p + r->in.len, got)) DECLINE(r, "bytes that are not ASCII");
    r->in.len += got;
    if (got == 0) r->eof = 1;
    return got;
}

/* the first ISA: tokenizer.parse_isa for a file that starts with it */
static int first_isa(Reader *r) {
    while (!r->eof && r->in.len < 1024)
        if (fill(r) < 0) return -1;
    const char *t = r->in.p;
    Py_ssize_t n = r->in.len;
    if (n < 4 || memcmp(t, "ISA", 3)) DECLINE(r, "file does not start with ISA");
    char sep = t[3];
    if (!inner_delimiter(sep)) DECLINE(r, "ISA element separator");
    Py_ssize_t cursor = 3, lim = n < 1024 ? n : 1024;
    for (int i = 0; i < 15; i++) {
        const char *q = memchr(t + cursor + 1, sep, (size_t)(lim - cursor - 1 > 0 ? lim - cursor - 1 : 0));
        if (!q) DECLINE(r, "ISA does not have 16 elements");
        cursor = q - t;
    }
    if (cursor + 2 >= n) DECLINE(r, "file ends inside ISA");
    char comp = t[cursor + 1], term = t[cursor + 2];
    if (comp == sep || comp == term || sep == term || !delimiter(term) || !inner_delimiter(comp))
        DECLINE(r, "ISA separators");
    r->el_sep = sep;
    r->comp = comp;
    r->term = term;
    El el[MAXEL];
    int nel = split_segment(t, cursor + 2, sep, el);
    if (nel != 17) DECLINE(r, "ISA elements");
    r->start = cursor + 3;
    return segment(r, el, nel);
}

/* segments until `flush` more were read or the input ends; 1 when at the end */
static int run(Reader *r) {
    if (!r->started) {
        r->started = 1;
        if (first_isa(r)) return -1;
    }
    int64_t stop = r->pos + r->flush;
    for (;;) {
        const char *base = r->in.p + r->start;
        Py_ssize_t avail = r->in.len - r->start;
        const char *q = avail ? memchr(base, r->term, (size_t)avail) : NULL;
        if (q) {
            Py_ssize_t n = q - base;
            r->start += n + 1;
            if (raw_segment(r, base, n)) return -1;
            if (g_oom) {
                PyErr_NoMemory();
                return -1;
            }
            if (r->pos >= stop) return 0;
            continue;
        }
        if (r->eof) {
            if (avail && raw_segment(r, base, avail)) return -1;
            r->start = r->in.len;
            break;
        }
        if (avail > MAX_SEG) DECLINE(r, "segment too long");
        if (fill(r) < 0) return -1;
    }
    if (r->in_tx || r->in_gs || r->in_isa) DECLINE(r, "file ends inside an envelope");
    if (!r->transactions) DECLINE(r, "no transaction set");
    return 1;
}

/* ---- Python type -------------------------------------------------------------------------- */
static void Reader_clear_bufs(Reader *r) {
    Buf *bufs[] = {&r->in,     &r->isa13,  &r->gs06,   &r->gs08,   &r->st02,   &r->file_name,
                   &r->sha,    &r->prefix, &r->icn,    &r->gcn,    &r->tcn,    &r->payment_id,
                   &r->bpr1,   &r->bpr3,   &r->bpr4,   &r->trn2,   &r->trn3,   &r->payer2,
                   &r->payer4, &r->payee2, &r->payee3, &r->payee4, &r->ref2u,  &r->reftj,
                   &r->claim.id, &r->claim.patient, &r->claim.insured, &r->claim.npi,
                   &r->claim.refs, &r->line.id, &r->line.svc1, &r->line.svc4, &r->line.svc6,
                   &r->line.ctrl};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) buf_free(bufs[i]);
    for (int i = 0; i < 12; i++) buf_free(&r->claim.clp[i]);
    for (int i = 0; i < NTAB; i++) table_free(&r->tables[i]);
}

static void Reader_dealloc(Reader *r) {
    if (r->fd >= 0) close(r->fd);
    Reader_clear_bufs(r);
    Py_XDECREF(r->versions);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static int Reader_init(Reader *r, PyObject *args, PyObject *kw) {
    static char *names[] = {"path", "file_name", "file_sha256", "flush_segments", NULL};
    PyObject *path = NULL;
    const char *file_name, *sha;
    Py_ssize_t nname, nsha;
    long long flush = 32768;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&s#s#|L", names, PyUnicode_FSConverter, &path,
                                     &file_name, &nname, &sha, &nsha, &flush))
        return -1;
    if (r->fd >= 0 || r->versions) {
        Py_DECREF(path);
        PyErr_SetString(PyExc_RuntimeError, "Reader835 cannot be initialised twice");
        return -1;
    }
    int fd;
    Py_BEGIN_ALLOW_THREADS fd = open(PyBytes_AS_STRING(path), O_RDONLY | O_CLOEXEC);
    Py_END_ALLOW_THREADS if (fd < 0) {
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
        Py_DECREF(path);
        return -1;
    }
    Py_DECREF(path);
    r->fd = fd;
    r->flush = flush > 0 ? flush : 32768;
    r->versions = PyList_New(0);
    if (!r->versions) return -1;
    add(&r->file_name, file_name, nname);
    add(&r->sha, sha, nsha);
    add(&r->prefix, sha, nsha < 16 ? nsha : 16);
    for (int i = 0; i < NTAB; i++) table_init(&r->tables[i], i);
    if (g_oom) {
        g_oom = 0;
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static PyObject *Reader_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    Reader *r = (Reader *)type->tp_alloc(type, 0);
    if (r) r->fd = -1;
    return (PyObject *)r;
}

static PyObject *Reader_next_chunk(Reader *r, PyObject *unused) {
    if (r->fd < 0 && !r->done) {
        PyErr_SetString(PyExc_RuntimeError, "Reader835 is not open");
        return NULL;
    }
    if (r->failed) {
        PyErr_SetString(PyExc_RuntimeError, "Reader835 already failed");
        return NULL;
    }
    if (r->done) {
        PyErr_SetString(PyExc_RuntimeError, "Reader835 already finished");
        return NULL;
    }
    g_oom = 0;
    r->why = NULL;
    int status = run(r);
    if (status < 0) {
        r->failed = 1;
        if (r->why) PyErr_Format(Declined, "segment %lld: %s", (long long)r->why_pos, r->why);
        else if (!PyErr_Occurred()) PyErr_NoMemory();
        return NULL;
    }
    if (status == 1) {
        r->done = 1;
        close(r->fd);
        r->fd = -1;
    }
    PyObject *tables = PyTuple_New(NTAB);
    if (!tables) return NULL;
    for (int i = 0; i < NTAB; i++) {
        PyObject *t = table_take(&r->tables[i]);
        if (!t) {
            Py_DECREF(tables);
            return NULL;
        }
        PyTuple_SET_ITEM(tables, i, t);
    }
    return Py_BuildValue("(ON)", status == 1 ? Py_True : Py_False, tables);
}

static PyObject *Reader_summary(Reader *r, PyObject *unused) {
    return Py_BuildValue("{sLsLsLsLsO}", "segments", (long long)r->pos, "transactions",
                         (long long)r->transactions, "interchanges", (long long)r->interchanges,
                         "groups", (long long)r->groups, "versions", r->versions);
}

static PyMethodDef Reader_methods[] = {
    {"next_chunk", (PyCFunction)Reader_next_chunk, METH_NOARGS,
     "Read on; (done, tables) with each x835_* table's closed rows as Arrow buffers."},
    {"summary", (PyCFunction)Reader_summary, METH_NOARGS, "Counts read so far."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ReaderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "transforms.x12._native.Reader835",
    .tp_basicsize = sizeof(Reader),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Native reader of well-formed 835 files (declines anything else).",
    .tp_new = Reader_new,
    .tp_init = (initproc)Reader_init,
    .tp_dealloc = (destructor)Reader_dealloc,
    .tp_methods = Reader_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native", "Native 835 reader (see transforms/x12/native.py).", -1, NULL,
};

PyMODINIT_FUNC PyInit__native(void) {
    if (PyType_Ready(&ReaderType) < 0 || PyType_Ready(&MemoryType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Declined = PyErr_NewException("transforms.x12._native.Declined", NULL, NULL);
    PyObject *tables = PyDict_New();
    if (!Declined || !tables) goto fail;
    for (int i = 0; i < NTAB; i++) {
        PyObject *v = PyUnicode_FromString(TABLE_TYPES[i]);
        if (!v || PyDict_SetItemString(tables, TABLE_NAMES[i], v) < 0) {
            Py_XDECREF(v);
            goto fail;
        }
        Py_DECREF(v);
    }
    if (PyModule_AddObjectRef(m, "Declined", Declined) < 0 ||
        PyModule_AddObjectRef(m, "Reader835", (PyObject *)&ReaderType) < 0 ||
        PyModule_AddObject(m, "TABLES", tables) < 0)
        goto fail;
    return m;
fail:
    Py_XDECREF(tables);
    Py_DECREF(m);
    return NULL;
}
