package main

import "testing"

func TestLooksLikeMail(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"From: a@example.com\r\nSubject: x\r\n\r\nbody", true},
		{"Return-Path: <a@example.com>\n", true},
		{"From a@example.com Mon Jan  1 00:00:00 2007\nSubject: x\n\nbody", true},
		{"X-Mozilla-Status: 0001\n", true},
		{"", false},
		{"\x00\x01binary", false},
		{"\xff\xd8\xff\xe0JFIF", false},
		{"just some text: with a colon later", false},
		{": no name\n", false},
		{"From a@example.com no newline", false},
		{"Bud1\x00\x00\x10\x00", false}, // .DS_Store
		{"V1 1700000000 1234\n", false}, // dovecot-uidlist
		{"0123456789012345678901234567890123456789012345678901234567890123456789012345678: x", false},
	} {
		if got := looksLikeMail([]byte(c.in)); got != c.want {
			t.Errorf("looksLikeMail(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
