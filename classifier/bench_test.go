package classifier

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Throughput on real mail: the SpamAssassin public corpus (skipped, saying
// so, when shared/corpus is absent). Each iteration handles one message, so
// ns/op is the time per message and msgs/s = 1e9 / ns/op.

func benchCorpus(b *testing.B) []loaded {
	b.Helper()
	msgs := loadCorpus(b, "spamassassin")
	var n int64
	for _, m := range msgs {
		n += int64(len(m.data))
	}
	b.SetBytes(n / int64(len(msgs)))
	return msgs
}

func trainedOn(msgs []loaded) *Model {
	m := New(DefaultOptions())
	for _, msg := range msgs {
		m.Train(msg.data, msg.spam)
	}
	return m
}

func BenchmarkExtract(b *testing.B) {
	msgs := benchCorpus(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Extract(msgs[i%len(msgs)].data)
	}
}

func BenchmarkTokenize(b *testing.B) {
	msgs := benchCorpus(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Tokenize(msgs[i%len(msgs)].data)
	}
}

// BenchmarkClassify: one message, raw bytes to Result, against a model
// trained on the whole corpus.
func BenchmarkClassify(b *testing.B) {
	msgs := benchCorpus(b)
	m := trainedOn(msgs)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Classify(msgs[i%len(msgs)].data)
	}
}

// BenchmarkClassifyParallel: Classify from all cores at once (the model's
// read lock is shared).
func BenchmarkClassifyParallel(b *testing.B) {
	msgs := benchCorpus(b)
	m := trainedOn(msgs)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.Classify(msgs[i%len(msgs)].data)
			i++
		}
	})
}

// BenchmarkTrain: one message trained (each message of the corpus in turn).
func BenchmarkTrain(b *testing.B) {
	msgs := benchCorpus(b)
	m := New(DefaultOptions())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		msg := msgs[i%len(msgs)]
		m.Train(msg.data, msg.spam)
	}
}

// BenchmarkSaveOpen: store size and load time for a model trained on the
// whole corpus.
func BenchmarkSaveOpen(b *testing.B) {
	msgs := loadCorpus(b, "spamassassin")
	m := trainedOn(msgs)
	dir := b.TempDir()
	path := filepath.Join(dir, StoreFile)
	if err := m.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.ReportMetric(float64(st.Size())/(1<<20), "MB-store")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Open(dir, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStoreFootprint trains on the 20,000 TREC messages (the target scale)
// and checks the store size and the heap of the loaded model. Skipped in
// -short mode and without the corpus.
func TestStoreFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("footprint check skipped in -short mode")
	}
	msgs := loadCorpus(t, "trec07p-1-20000")
	dir := t.TempDir()
	m, err := Open(dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range msgs {
		m.Train(msg.data, msg.spam)
	}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	tokens := m.TokenCount()
	m, msgs = nil, nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m2, err := Open(dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("20,000 messages: %d tokens, store %.1f MB, loaded model heap %.1f MB",
		tokens, float64(st.Size())/(1<<20), float64(heap)/(1<<20))
	if st.Size() > 50<<20 {
		t.Errorf("store %d MB, want < 50 MB", st.Size()>>20)
	}
	if heap > 100<<20 {
		t.Errorf("loaded model heap %d MB, want < 100 MB", heap>>20)
	}
	runtime.KeepAlive(m2)
}

// TestThroughputCPU reports messages per CPU-second (less sensitive to a
// busy machine than wall-clock benchmarks) for training and classifying the
// SpamAssassin corpus, the figure to compare with another filter's user+sys
// time on the same files. Runs only with MW_THROUGHPUT=1.
func TestThroughputCPU(t *testing.T) {
	name := os.Getenv("MW_THROUGHPUT")
	if name == "" {
		t.Skip("set MW_THROUGHPUT=corpus-name (e.g. spamassassin) to measure throughput in CPU time")
	}
	msgs := loadCorpus(t, name)
	m := New(DefaultOptions())
	runtime.GC()
	c0 := cpuTime()
	for _, msg := range msgs {
		m.Train(msg.data, msg.spam)
	}
	c1 := cpuTime()
	const rounds = 3
	for range rounds {
		for _, msg := range msgs {
			m.Classify(msg.data)
		}
	}
	c2 := cpuTime()
	n := float64(len(msgs))
	t.Logf("%s, %d messages: train %.0f msg/CPU-s, classify %.0f msg/CPU-s (%d tokens)",
		name, len(msgs), n/(c1-c0).Seconds(), rounds*n/(c2-c1).Seconds(), m.TokenCount())
}
