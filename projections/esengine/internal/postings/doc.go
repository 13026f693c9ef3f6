// Package postings is the inverted index's posting lists: the documents of each key in
// a small sorted slice or a roaring bitmap, with range lookups over the sorted keys.
package postings
