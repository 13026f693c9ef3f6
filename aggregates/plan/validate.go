package plan

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

// Validate checks the value rules on a typed plan: the validate tags of document.go,
// the creationDate format and unique objectIds. Decode already runs them; Create and
// Replace run them again because a Plan may also be built in Go, bypassing Decode.
// Presence and JSON types cannot be checked on a Go value; Decode does that.
func (p *Plan) Validate() error {
	if p == nil {
		return invalid("", "a plan document is required")
	}
	var ps problems
	if err := validateValues(p, &ps); err != nil {
		return err
	}
	return ps.err()
}

// validateValues adds the value-rule problems of p to ps, skipping every path that
// already has a problem (see problems.covers). The error is for a broken validator
// set-up, never for bad input.
func validateValues(p *Plan, ps *problems) error {
	v, err := structValidator()
	if err != nil {
		return err
	}
	err = v.Struct(p)
	var fieldErrs validator.ValidationErrors
	switch {
	case err == nil:
	case errors.As(err, &fieldErrs):
		for _, fe := range fieldErrs {
			path := validatorPath(fe.Namespace())
			if !ps.covers(path) {
				ps.add(path, ruleMessage(fe))
			}
		}
	default:
		return fmt.Errorf("plan: validate: %w", err)
	}
	checkUniqueObjectIDs(p, ps)
	return nil
}

// checkUniqueObjectIDs reports each objectId that is used again, at its later path.
// The read model keys every object by objectId, so two objects of one plan sharing one
// would silently overwrite each other there.
func checkUniqueObjectIDs(p *Plan, ps *problems) {
	first := make(map[string]string, 2+3*len(p.LinkedPlanServices))
	p.eachObjectID(func(path, id string) {
		if id == "" || ps.covers(path) {
			return // missing or malformed: already reported
		}
		if earlier, dup := first[id]; dup {
			ps.add(path, fmt.Sprintf("objectId %q is already used at %s", id, earlier))
			return
		}
		first[id] = path
	})
}

// structValidator is built once: a validator caches struct metadata and is safe for
// concurrent use. Building it cannot fail with the tags below, but a failure is
// returned rather than panicking at start-up.
var structValidator = sync.OnceValues(func() (*validator.Validate, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Name fields by their JSON names so validator namespaces are our problem paths.
	v.RegisterTagNameFunc(jsonName)
	rules := map[string]validator.Func{
		"objectid": func(fl validator.FieldLevel) bool { return isObjectID(fl.Field().String()) },
		"notblank": func(fl validator.FieldLevel) bool { return hasVisibleCharacter(fl.Field().String()) },
		"finite": func(fl validator.FieldLevel) bool {
			f := fl.Field().Float()
			return !math.IsInf(f, 0) && !math.IsNaN(f)
		},
		"plandate": func(fl validator.FieldLevel) bool {
			_, err := ParseCreationDate(fl.Field().String())
			return err == nil
		},
	}
	for tag, fn := range rules {
		if err := v.RegisterValidation(tag, fn); err != nil {
			return nil, fmt.Errorf("plan: register validation %q: %w", tag, err)
		}
	}
	return v, nil
})

// isObjectID checks the objectId alphabet: RFC 3986 unreserved characters plus ':'.
// They need no escaping in a URL path and are valid in an Elasticsearch _id. "." and
// ".." are refused: as a path segment they mean "this" and "the parent", so a plan
// called ".." would be created and then be unreachable (routers and proxies clean the
// path /v1/plans/.. to /v1/), and its children's ids would stay taken forever. Length
// is checked by the min/max tags so that the message can say which bound was broken.
func isObjectID(s string) bool {
	if s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '_', c == '~', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// validatorPath turns "Plan.linkedPlanServices[1].copay" into our path syntax by
// dropping the root struct's name.
func validatorPath(namespace string) string {
	_, rest, found := strings.Cut(namespace, ".")
	if !found {
		return ""
	}
	return rest
}

// ruleMessage words a failed tag for people; it never shows Go type or rule names.
func ruleMessage(fe validator.FieldError) string {
	isString := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "min":
		if isString && fe.Param() == "1" {
			return "must not be empty"
		}
		return "must be at least " + fe.Param() + unit(fe.Kind())
	case "max":
		return "must be at most " + fe.Param() + unit(fe.Kind())
	case "objectid":
		return "may contain only letters, digits and the characters . _ ~ : -, and may not be . or .."
	case "eq":
		return fmt.Sprintf("must be %q here", fe.Param())
	case "notblank":
		return "must not be blank (white space, control and invisible characters do not count)"
	case "finite":
		return "must be a finite number"
	case "gte":
		if fe.Param() == "0" {
			return "must not be negative"
		}
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	case "plandate":
		s, _ := fe.Value().(string)
		if _, err := ParseCreationDate(s); err != nil {
			return err.Error()
		}
		return "is not a valid date"
	default:
		return "is not valid"
	}
}

// unit completes a length limit: characters for strings, elements for arrays.
func unit(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return " characters"
	case reflect.Slice, reflect.Array:
		return " elements"
	default:
		return ""
	}
}
