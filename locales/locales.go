// Package locales holds every text a user can see, as go-i18n message files in Uzbek
// Latin (uz-Latn.toml, the source), Uzbek Cyrillic (uz-Cyrl.toml, transliterated from
// the Latin with ToCyrillic and corrected by hand) and Russian (ru.toml), embedded in
// the binary. It also holds the Uzbek Latin↔Cyrillic transliterator.
package locales

import (
	"embed"
	"fmt"
	"sort"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/azizayol/azizayol"
)

//go:embed *.toml
var files embed.FS

// Files names the message file of each language.
var Files = map[azizayol.Lang]string{
	azizayol.UzLatn: "uz-Latn.toml",
	azizayol.UzCyrl: "uz-Cyrl.toml",
	azizayol.Ru:     "ru.toml",
}

var (
	loadOnce   sync.Once
	bundle     *i18n.Bundle
	localizers map[azizayol.Lang]*i18n.Localizer
	messageIDs []string
	has        map[azizayol.Lang]map[string]bool // the messages each file has
)

// load parses the embedded files once. A broken file is a bug the tests catch, so it
// panics rather than limping on without texts.
func load() {
	bundle = i18n.NewBundle(language.Make(string(azizayol.UzLatn)))
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	localizers = map[azizayol.Lang]*i18n.Localizer{}
	has = map[azizayol.Lang]map[string]bool{}
	for _, lang := range azizayol.Langs {
		mf, err := bundle.LoadMessageFileFS(files, Files[lang])
		if err != nil {
			panic(fmt.Sprintf("locales: load %s: %v", Files[lang], err))
		}
		has[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			has[lang][m.ID] = true
		}
		if lang == azizayol.UzLatn {
			for _, m := range mf.Messages {
				messageIDs = append(messageIDs, m.ID)
			}
			sort.Strings(messageIDs)
		}
		// Only the exact language: a missing text must show up as an error, never as
		// another language's text.
		localizers[lang] = i18n.NewLocalizer(bundle, string(lang))
	}
}

// MessageIDs lists every message of the source language, uz-Latn.
func MessageIDs() []string {
	loadOnce.Do(load)
	return messageIDs
}

// Has tells whether lang has message id: for the optional variants of a text (the
// shorter "<id>_sms" one).
func Has(lang azizayol.Lang, id string) bool {
	loadOnce.Do(load)
	return has[lang][id]
}

// Text returns message id in lang, filled in with data. Values in data are put in as
// they are: escape what came from a user before passing it. It fails when the message
// or the language is missing, so a gap shows up in the tests, never as a blank line.
func Text(lang azizayol.Lang, id string, data map[string]any) (string, error) {
	loadOnce.Do(load)
	l, ok := localizers[lang]
	if !ok {
		return "", fmt.Errorf("locales: unknown language %q", lang)
	}
	s, tag, err := l.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return s, fmt.Errorf("locales: %s in %s: %w", id, lang, err)
	}
	if tag != language.Make(string(lang)) {
		return s, fmt.Errorf("locales: %s has no %s text (got %s)", id, lang, tag)
	}
	if s == "" {
		return s, fmt.Errorf("locales: %s in %s is empty", id, lang)
	}
	return s, nil
}
