// tlogcheck: an independent checker for ATLAS tlog-proofs, built only on Go's standard library
// and golang.org/x/mod/sumdb/note + sumdb/tlog (Debian golang-golang-x-mod-dev). It shares no code
// with the TypeScript core.
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run tests/interop/tlogcheck/main.go \
//	    -vkey LOG_VKEY -proof FILE -entry FILE [-witness VKEY ...] [-quorum K]
//	... -notes FILE -notekey VKEY [-notekey VKEY ...]   (differential note.Open mode)
//	... -trees FILE                                      (differential tlog.CheckTree mode)
//
// It checks (a) the checkpoint note's log signature with note.Open, (b) the inclusion of the entry
// bytes with tlog.RecordHash + tlog.CheckRecord, and (c) C2SP cosignature/v1 witness signatures
// (type 0x04) with crypto/ed25519, requiring at least K distinct witnesses. Prints one line
// "ok origin=… size=… index=… witnesses=…" and exits 0, or prints the error and exits 1.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

type proofFile struct {
	index int64
	path  []tlog.Hash
	note  []byte
}

func parseProof(b []byte) (*proofFile, error) {
	i := bytes.Index(b, []byte("\n\n"))
	if i < 0 {
		return nil, errors.New("tlog-proof: no blank line")
	}
	head := strings.Split(string(b[:i]), "\n")
	if head[0] != "c2sp.org/tlog-proof@v1" {
		return nil, errors.New("tlog-proof: bad header")
	}
	head = head[1:]
	if len(head) > 0 && strings.HasPrefix(head[0], "extra ") {
		head = head[1:]
	}
	if len(head) == 0 || !strings.HasPrefix(head[0], "index ") {
		return nil, errors.New("tlog-proof: no index line")
	}
	idx, err := strconv.ParseInt(strings.TrimPrefix(head[0], "index "), 10, 64)
	if err != nil {
		return nil, err
	}
	p := &proofFile{index: idx, note: b[i+2:]}
	for _, l := range head[1:] {
		h, err := tlog.ParseHash(l)
		if err != nil {
			return nil, fmt.Errorf("tlog-proof: bad hash %q: %v", l, err)
		}
		p.path = append(p.path, h)
	}
	return p, nil
}

type witness struct {
	name string
	id   uint32
	pub  ed25519.PublicKey
}

func parseWitness(vkey string) (*witness, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, errors.New("witness vkey: syntax")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		return nil, errors.New("witness vkey: not a cosignature/v1 Ed25519 key")
	}
	h := sha256.Sum256(append([]byte(parts[0]+"\n"), raw...))
	id := binary.BigEndian.Uint32(h[:4])
	if fmt.Sprintf("%08x", id) != parts[1] {
		return nil, errors.New("witness vkey: key ID mismatch")
	}
	return &witness{name: parts[0], id: id, pub: ed25519.PublicKey(raw[1:])}, nil
}

// openNotes is the differential mode: every line of the file is base64 of one note; for each,
// print "ok <number of verified signatures>" or "err <error>" after note.Open with the vkeys.
func openNotes(path string, vkeys []string) error {
	var vs []note.Verifier
	for _, k := range vkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return fmt.Errorf("vkey %q: %v", k, err)
		}
		vs = append(vs, v)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		msg, err := base64.StdEncoding.DecodeString(line)
		if err != nil {
			return err
		}
		n, err := note.Open(msg, note.VerifierList(vs...))
		if err != nil {
			fmt.Fprintf(&out, "err %v\n", strings.ReplaceAll(err.Error(), "\n", " "))
		} else {
			fmt.Fprintf(&out, "ok %d\n", len(n.Sigs))
		}
	}
	fmt.Print(out.String())
	return nil
}

// checkTrees is the differential mode for consistency proofs: each line of the file is
// "m n rootM rootN [hash,hash,...]" (base64 hashes); print "ok" or "err <error>" per line after
// tlog.CheckTree (RFC 6962 consistency of the tree of size m with the tree of size n).
func checkTrees(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		f := strings.Split(line, " ")
		m, _ := strconv.ParseInt(f[0], 10, 64)
		n, _ := strconv.ParseInt(f[1], 10, 64)
		rm, err1 := tlog.ParseHash(f[2])
		rn, err2 := tlog.ParseHash(f[3])
		if err1 != nil || err2 != nil {
			return errors.New("trees: bad root")
		}
		var p tlog.TreeProof
		if len(f) > 4 && f[4] != "" {
			for _, h := range strings.Split(f[4], ",") {
				x, err := tlog.ParseHash(h)
				if err != nil {
					return err
				}
				p = append(p, x)
			}
		}
		if err := tlog.CheckTree(p, n, rn, m, rm); err != nil {
			fmt.Fprintf(&out, "err %v\n", err)
		} else {
			out.WriteString("ok\n")
		}
	}
	fmt.Print(out.String())
	return nil
}

func run() error {
	var witnessKeys, noteKeys multi
	vkey := flag.String("vkey", "", "log verifier key")
	proofPath := flag.String("proof", "", "tlog-proof file")
	entryPath := flag.String("entry", "", "entry bytes file")
	quorum := flag.Int("quorum", 0, "distinct witness cosignatures required")
	notesPath := flag.String("notes", "", "differential mode: file of base64 notes, one per line")
	treesPath := flag.String("trees", "", "differential mode: file of consistency-proof lines")
	flag.Var(&witnessKeys, "witness", "witness cosignature/v1 vkey (repeatable)")
	flag.Var(&noteKeys, "notekey", "differential mode: a verifier key (repeatable)")
	flag.Parse()
	if *treesPath != "" {
		return checkTrees(*treesPath)
	}
	if *notesPath != "" {
		return openNotes(*notesPath, noteKeys)
	}

	pb, err := os.ReadFile(*proofPath)
	if err != nil {
		return err
	}
	entry, err := os.ReadFile(*entryPath)
	if err != nil {
		return err
	}
	p, err := parseProof(pb)
	if err != nil {
		return err
	}
	v, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("vkey: %v", err)
	}
	n, err := note.Open(p.note, note.VerifierList(v))
	if err != nil {
		return fmt.Errorf("checkpoint note: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return errors.New("checkpoint: fewer than 3 lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || strconv.FormatInt(size, 10) != lines[1] {
		return fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return fmt.Errorf("checkpoint: bad root: %v", err)
	}
	if p.index >= size {
		return fmt.Errorf("index %d not below size %d", p.index, size)
	}
	if err := tlog.CheckRecord(tlog.RecordProof(p.path), size, root, p.index, tlog.RecordHash(entry)); err != nil {
		return fmt.Errorf("inclusion: %v", err)
	}

	// cosignature/v1: witness lines are unknown to note.Open (type 0x04), so check them here.
	cosigned := map[string]bool{}
	for _, wk := range witnessKeys {
		w, err := parseWitness(wk)
		if err != nil {
			return err
		}
		for _, s := range n.UnverifiedSigs {
			if s.Name != w.name || s.Hash != w.id {
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(s.Base64)
			if err != nil || len(raw) != 76 {
				return fmt.Errorf("cosignature of %s: malformed", w.name)
			}
			ts := binary.BigEndian.Uint64(raw[4:12])
			if ts > 1<<63-1 {
				return fmt.Errorf("cosignature of %s: timestamp out of range", w.name)
			}
			msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, n.Text)
			if !ed25519.Verify(w.pub, []byte(msg), raw[12:]) {
				return fmt.Errorf("cosignature of %s: invalid signature", w.name)
			}
			cosigned[w.name] = true
		}
	}
	if len(cosigned) < *quorum {
		return fmt.Errorf("witness quorum: %d distinct cosignatures, need %d", len(cosigned), *quorum)
	}
	fmt.Printf("ok origin=%s size=%d index=%d witnesses=%d\n", lines[0], size, p.index, len(cosigned))
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
