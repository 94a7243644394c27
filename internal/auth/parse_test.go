package auth

import "testing"

func FuzzParseHash(f *testing.F) {
	h, _ := HashPassword("correct horse battery", Params{Memory: 64, Time: 1, Threads: 1})
	f.Add(h)
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parseHash(s)
		if err != nil {
			return
		}
		if p.Memory < 8 || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || p.Threads < 1 || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
			t.Errorf("parseHash(%q) accepted out-of-bounds %+v salt %d key %d", s, p, len(salt), len(key))
		}
	})
}
