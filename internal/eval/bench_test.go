package eval

import (
	"os"
	"sync"
	"testing"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/corpus"
)

// benchCorpus is the corpus the benchmarks read: real public mail.
const benchCorpus = "spamassassin"

var (
	benchOnce sync.Once
	benchMsgs []benchMsg
	benchErr  error
	benchDir  string
)

type benchMsg struct {
	raw  []byte
	spam bool
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// loadBench unpacks the shared corpus once and reads every message (label
// headers stripped) into memory; it skips the benchmark when the corpus is
// not there.
func loadBench(b *testing.B) []benchMsg {
	b.Helper()
	benchOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			benchErr = err
			return
		}
		path, err := corpus.Shared(wd, benchCorpus)
		if err != nil {
			benchErr = err
			return
		}
		if benchDir, err = os.MkdirTemp("", "mailwarden-bench-"); err != nil {
			benchErr = err
			return
		}
		l, err := corpus.Load(path, benchDir)
		if err != nil {
			benchErr = err
			return
		}
		for _, m := range l {
			raw, err := corpus.ReadMail(m.Path)
			if err != nil {
				benchErr = err
				return
			}
			benchMsgs = append(benchMsgs, benchMsg{StripLabelHeaders(raw), m.Spam})
		}
	})
	if benchErr != nil {
		b.Skipf("benchmark needs the %s corpus (../shared/corpus or $MAILWARDEN_CORPUS): %v", benchCorpus, benchErr)
	}
	return benchMsgs
}

// BenchmarkClassify classifies the second half of the corpus with a model
// trained on the first half.
func BenchmarkClassify(b *testing.B) {
	msgs := loadBench(b)
	half := len(msgs) / 2
	m := classifier.New(classifier.DefaultOptions())
	for _, x := range msgs[:half] {
		m.Train(x.raw, x.spam)
	}
	test := msgs[half:]
	var bytes int64
	for _, x := range test {
		bytes += int64(len(x.raw))
	}
	b.SetBytes(bytes / int64(len(test)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Classify(test[i%len(test)].raw)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkTrain trains a fresh model on the corpus, message after message
// (starting over, on the same model, after the last one).
func BenchmarkTrain(b *testing.B) {
	msgs := loadBench(b)
	m := classifier.New(classifier.DefaultOptions())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := msgs[i%len(msgs)]
		m.Train(x.raw, x.spam)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkProtocol is one classify-then-train step of the full-feedback
// protocol on a model that has seen everything before it.
func BenchmarkProtocol(b *testing.B) {
	msgs := loadBench(b)
	m := classifier.New(classifier.DefaultOptions())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := msgs[i%len(msgs)]
		m.Classify(x.raw)
		m.Train(x.raw, x.spam)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
