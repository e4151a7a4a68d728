package fakeaws

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Parameter seeds an SSM parameter (PutParameter method).
type Parameter struct {
	Name        string
	Type        string // String (default), StringList, SecureString
	Value       string
	KeyID       string // SecureString only; default alias/aws/ssm
	Description string
	// LastModified defaults to the server's clock.
	LastModified time.Time
}

type ssmParam struct {
	name, typ, value, keyID, description, tier, user string
	version                                          int64
	modified                                         time.Time
}

type ssmState struct {
	params map[string]*ssmParam
	sorted []string // names, sorted, so path listings and pages are cheap
}

func (st *ssmState) init() { st.params = map[string]*ssmParam{} }

func (st *ssmState) put(p *ssmParam) {
	if _, ok := st.params[p.name]; !ok {
		i, _ := slices.BinarySearch(st.sorted, p.name)
		st.sorted = slices.Insert(st.sorted, i, p.name)
	}
	st.params[p.name] = p
}

func (st *ssmState) delete(name string) {
	delete(st.params, name)
	if i, ok := slices.BinarySearch(st.sorted, name); ok {
		st.sorted = slices.Delete(st.sorted, i, i+1)
	}
}

func init() {
	registerJSON(ServiceSSM, map[string]jsonHandler{
		"DescribeParameters":  (*Server).ssmDescribeParameters,
		"GetParameters":       (*Server).ssmGetParameters,
		"GetParametersByPath": (*Server).ssmGetParametersByPath,
		"GetParameter":        (*Server).ssmGetParameter,
		"PutParameter":        (*Server).ssmPutParameter,
		"DeleteParameter":     (*Server).ssmDeleteParameter,
	})
}

// PutParameter creates or overwrites a parameter (version + 1), as seeding.
func (s *Server) PutParameter(p Parameter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putParameterLocked(p)
}

func (s *Server) putParameterLocked(p Parameter) {
	typ := p.Type
	if typ == "" {
		typ = "String"
	}
	key := ""
	if typ == "SecureString" {
		key = p.KeyID
		if key == "" {
			key = "alias/aws/ssm"
		}
	}
	mod := p.LastModified
	if mod.IsZero() {
		mod = s.now()
	}
	version := int64(1)
	if old, ok := s.ssm.params[p.Name]; ok {
		version = old.version + 1
	}
	s.ssm.put(&ssmParam{name: p.Name, typ: typ, value: p.Value, keyID: key, description: p.Description,
		tier: "Standard", user: s.opts.callerARN, version: version, modified: mod})
}

// ParameterNames returns the names of all parameters, sorted.
func (s *Server) ParameterNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ssm.sorted)
}

func (s *Server) parameterARN(name string) string {
	return fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s", s.opts.region, s.opts.account, strings.TrimPrefix(name, "/"))
}

type ssmParameterJSON struct {
	Name             string `json:"Name"`
	Type             string `json:"Type"`
	Value            string `json:"Value"`
	Version          int64  `json:"Version"`
	LastModifiedDate epoch  `json:"LastModifiedDate"`
	ARN              string `json:"ARN"`
	DataType         string `json:"DataType"`
}

type ssmMetadataJSON struct {
	Name             string `json:"Name"`
	ARN              string `json:"ARN"`
	Type             string `json:"Type"`
	KeyID            string `json:"KeyId,omitempty"`
	LastModifiedDate epoch  `json:"LastModifiedDate"`
	LastModifiedUser string `json:"LastModifiedUser"`
	Description      string `json:"Description,omitempty"`
	Version          int64  `json:"Version"`
	Tier             string `json:"Tier"`
	Policies         []any  `json:"Policies"`
	DataType         string `json:"DataType"`
}

// value returns what AWS returns as Value: a SecureString is only decrypted on request;
// otherwise the caller gets the (fake) ciphertext.
func (p *ssmParam) valueFor(decrypt bool) string {
	if p.typ != "SecureString" || decrypt {
		return p.value
	}
	blob := "AQICAH" + fakeHex(40, "kms", p.name, fmt.Sprint(p.version))
	return base64.StdEncoding.EncodeToString([]byte(blob))
}

func (s *Server) parameterJSON(p *ssmParam, decrypt bool) ssmParameterJSON {
	return ssmParameterJSON{Name: p.name, Type: p.typ, Value: p.valueFor(decrypt), Version: p.version,
		LastModifiedDate: epoch(p.modified), ARN: s.parameterARN(p.name), DataType: "text"}
}

func (s *Server) metadataJSON(p *ssmParam) ssmMetadataJSON {
	return ssmMetadataJSON{Name: p.name, ARN: s.parameterARN(p.name), Type: p.typ, KeyID: p.keyID,
		LastModifiedDate: epoch(p.modified), LastModifiedUser: p.user, Description: p.description,
		Version: p.version, Tier: p.tier, Policies: []any{}, DataType: "text"}
}

// normPath trims a trailing slash; "/" stays "/".
func normPath(p string) string {
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
	}
	return p
}

func checkPath(field, p string) *apiError {
	if !strings.HasPrefix(p, "/") {
		return validationErr("ValidationException", p, field, "Member must satisfy regular expression pattern: ^/.*")
	}
	if strings.Count(normPath(p), "/") > 15 {
		return errorf("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of 15 levels.")
	}
	return nil
}

// underPath reports whether name is below path: directly (one level) or at any depth.
func underPath(name, path string, recursive bool) bool {
	var rest string
	if path == "/" {
		rest = strings.TrimPrefix(name, "/")
	} else {
		if !strings.HasPrefix(name, path+"/") {
			return false
		}
		rest = name[len(path)+1:]
	}
	return rest != "" && (recursive || !strings.Contains(rest, "/"))
}

// scan walks the sorted names after the page token, starting at the first name that can be
// under prefix, and returns up to max names accepted by keep, plus the next token.
func (st *ssmState) scan(prefix, token string, max int, keep func(*ssmParam) bool) ([]*ssmParam, string, *apiError) {
	start := 0
	if token != "" {
		after, ok := parseKeyToken(token)
		if !ok {
			return nil, "", errorf("InvalidNextToken", "The specified token is not valid.")
		}
		i, found := slices.BinarySearch(st.sorted, after)
		if found {
			i++
		}
		start = i
	}
	if prefix != "" {
		if i, _ := slices.BinarySearch(st.sorted, prefix); i > start {
			start = i
		}
	}
	var out []*ssmParam
	for i := start; i < len(st.sorted); i++ {
		name := st.sorted[i]
		if prefix != "" && !strings.HasPrefix(name, prefix) {
			break
		}
		p := st.params[name]
		if !keep(p) {
			continue
		}
		if len(out) == max {
			return out, keyToken(out[len(out)-1].name), nil
		}
		out = append(out, p)
	}
	return out, "", nil
}

type ssmParameterFilter struct {
	Key    string   `json:"Key"`
	Option string   `json:"Option"`
	Values []string `json:"Values"`
}

func (s *Server) ssmDescribeParameters(r *request) (any, error) {
	var in struct {
		ParameterFilters []ssmParameterFilter `json:"ParameterFilters"`
		Filters          []ssmParameterFilter `json:"Filters"`
		MaxResults       *int                 `json:"MaxResults"`
		NextToken        string               `json:"NextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("ValidationException", "maxResults", in.MaxResults, 50); err != nil {
		return nil, err
	}
	max := ptrInt(in.MaxResults, 10)
	prefix := ""
	var keeps []func(*ssmParam) bool
	for _, f := range in.Filters { // the old style: Name, Type, KeyId with Equals semantics
		vals := f.Values
		switch f.Key {
		case "Name":
			keeps = append(keeps, func(p *ssmParam) bool {
				return slices.ContainsFunc(vals, func(v string) bool { return strings.HasPrefix(p.name, v) })
			})
		case "Type":
			keeps = append(keeps, func(p *ssmParam) bool { return slices.Contains(vals, p.typ) })
		case "KeyId":
			keeps = append(keeps, func(p *ssmParam) bool { return slices.Contains(vals, p.keyID) })
		default:
			return nil, errorf("InvalidFilterKey", "The following filter key is not valid: %s", f.Key)
		}
	}
	for _, f := range in.ParameterFilters {
		if len(f.Values) > 50 {
			return nil, errorf("InvalidFilterValue", "A filter can have at most 50 values.")
		}
		vals := f.Values
		switch f.Key {
		case "Path":
			opt := f.Option
			if opt == "" {
				opt = "OneLevel"
			}
			if opt != "OneLevel" && opt != "Recursive" {
				return nil, errorf("InvalidFilterOption", "The following filter option is not valid: %s. Valid options include: [Recursive, OneLevel].", opt)
			}
			if len(vals) != 1 {
				return nil, errorf("InvalidFilterValue", "The Path filter takes exactly one value.")
			}
			if err := checkPath("parameterFilters.1.member.values", vals[0]); err != nil {
				return nil, errorf("InvalidFilterValue", "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".")
			}
			path, rec := normPath(vals[0]), opt == "Recursive"
			if path != "/" {
				prefix = path + "/"
			}
			keeps = append(keeps, func(p *ssmParam) bool { return underPath(p.name, path, rec) })
		case "Name":
			opt := f.Option
			if opt == "" {
				opt = "Equals"
			}
			var match func(name, v string) bool
			switch opt {
			case "Equals":
				match = func(n, v string) bool { return n == v }
			case "BeginsWith":
				match = strings.HasPrefix
			case "Contains":
				match = strings.Contains
			default:
				return nil, errorf("InvalidFilterOption", "The following filter option is not valid: %s. Valid options include: [BeginsWith, Equals, Contains].", opt)
			}
			keeps = append(keeps, func(p *ssmParam) bool {
				return slices.ContainsFunc(vals, func(v string) bool { return match(p.name, v) })
			})
		case "Type":
			keeps = append(keeps, func(p *ssmParam) bool { return slices.Contains(vals, p.typ) })
		case "KeyId":
			keeps = append(keeps, func(p *ssmParam) bool { return slices.Contains(vals, p.keyID) })
		case "Tier":
			keeps = append(keeps, func(p *ssmParam) bool { return slices.Contains(vals, p.tier) })
		case "DataType":
			keeps = append(keeps, func(p *ssmParam) bool { return slices.Contains(vals, "text") })
		default:
			if strings.HasPrefix(f.Key, "tag:") {
				keeps = append(keeps, func(*ssmParam) bool { return false }) // the fake keeps no parameter tags
				continue
			}
			return nil, errorf("InvalidFilterKey", "The following filter key is not valid: %s. Valid filter keys include: [Path, Name, Type, KeyId, Tier, Label, DataType].", f.Key)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	page, next, err := s.ssm.scan(prefix, in.NextToken, max, func(p *ssmParam) bool {
		for _, k := range keeps {
			if !k(p) {
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters []ssmMetadataJSON `json:"Parameters"`
		NextToken  string            `json:"NextToken,omitempty"`
	}{Parameters: []ssmMetadataJSON{}, NextToken: next}
	for _, p := range page {
		out.Parameters = append(out.Parameters, s.metadataJSON(p))
	}
	return out, nil
}

func (s *Server) ssmGetParameters(r *request) (any, error) {
	var in struct {
		Names          []string `json:"Names"`
		WithDecryption bool     `json:"WithDecryption"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Names) < 1 || len(in.Names) > 10 {
		c := "Member must have length less than or equal to 10"
		if len(in.Names) < 1 {
			c = "Member must have length greater than or equal to 1"
		}
		return nil, validationErr("ValidationException", "["+strings.Join(in.Names, ", ")+"]", "names", c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := struct {
		Parameters        []ssmParameterJSON `json:"Parameters"`
		InvalidParameters []string           `json:"InvalidParameters"`
	}{Parameters: []ssmParameterJSON{}, InvalidParameters: []string{}}
	seen := map[string]bool{}
	for _, n := range in.Names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if p, ok := s.ssm.params[s.parameterNameOf(n)]; ok {
			out.Parameters = append(out.Parameters, s.parameterJSON(p, in.WithDecryption))
		} else {
			out.InvalidParameters = append(out.InvalidParameters, n)
		}
	}
	return out, nil
}

// parameterNameOf is the name a GetParameters entry refers to: the name itself, or
// the name in an ARN of this account and Region, as AWS accepts both.
func (s *Server) parameterNameOf(ref string) string {
	prefix := fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/", s.opts.region, s.opts.account)
	rest, ok := strings.CutPrefix(ref, prefix)
	if !ok {
		return ref
	}
	if _, found := s.ssm.params["/"+rest]; found {
		return "/" + rest
	}
	return rest
}

func (s *Server) ssmGetParametersByPath(r *request) (any, error) {
	var in struct {
		Path           string `json:"Path"`
		Recursive      bool   `json:"Recursive"`
		WithDecryption bool   `json:"WithDecryption"`
		MaxResults     *int   `json:"MaxResults"`
		NextToken      string `json:"NextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("ValidationException", "maxResults", in.MaxResults, 10); err != nil {
		return nil, err
	}
	if err := checkPath("path", in.Path); err != nil {
		return nil, err
	}
	path := normPath(in.Path)
	prefix := ""
	if path != "/" {
		prefix = path + "/"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	page, next, err := s.ssm.scan(prefix, in.NextToken, ptrInt(in.MaxResults, 10), func(p *ssmParam) bool {
		return underPath(p.name, path, in.Recursive)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters []ssmParameterJSON `json:"Parameters"`
		NextToken  string             `json:"NextToken,omitempty"`
	}{Parameters: []ssmParameterJSON{}, NextToken: next}
	for _, p := range page {
		out.Parameters = append(out.Parameters, s.parameterJSON(p, in.WithDecryption))
	}
	return out, nil
}

func (s *Server) ssmGetParameter(r *request) (any, error) {
	var in struct {
		Name           string `json:"Name"`
		WithDecryption bool   `json:"WithDecryption"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.ssm.params[in.Name]
	if !ok {
		return nil, errorf("ParameterNotFound", "Parameter %s not found.", in.Name)
	}
	return map[string]any{"Parameter": s.parameterJSON(p, in.WithDecryption)}, nil
}

var ssmNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)

func checkParameterName(name string) *apiError {
	if name == "" || len(name) > 2048 || !ssmNameRE.MatchString(name) {
		return validationErr("ValidationException", name, "name", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.\\-/]+$")
	}
	if strings.Contains(name, "/") && !strings.HasPrefix(name, "/") {
		return errorf("ValidationException", "Parameter name must be a fully qualified name.")
	}
	bare := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(bare, "aws") || strings.HasPrefix(bare, "ssm") {
		return errorf("ValidationException", "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_")
	}
	if strings.Count(name, "/") > 15 {
		return errorf("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and Constraints for Parameter Names in the AWS Systems Manager User Guide.")
	}
	return nil
}

func (s *Server) ssmPutParameter(r *request) (any, error) {
	var in struct {
		Name        string `json:"Name"`
		Value       string `json:"Value"`
		Type        string `json:"Type"`
		KeyID       string `json:"KeyId"`
		Overwrite   bool   `json:"Overwrite"`
		Description string `json:"Description"`
		Tier        string `json:"Tier"`
		Tags        []any  `json:"Tags"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkParameterName(in.Name); err != nil {
		return nil, err
	}
	if in.Value == "" {
		return nil, validationErr("ValidationException", "", "value", "Member must have length greater than or equal to 1")
	}
	limit := 4096
	if in.Tier == "Advanced" {
		limit = 8192
	}
	if len(in.Value) > limit {
		return nil, errorf("ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.")
	}
	switch in.Type {
	case "", "String", "StringList", "SecureString":
	default:
		return nil, validationErr("ValidationException", in.Type, "type", "Member must satisfy enum value set: [SecureString, StringList, String]")
	}
	if in.KeyID != "" && in.Type != "SecureString" {
		return nil, errorf("ValidationException", "KeyId is required for SecureString type parameter only.")
	}
	if in.Overwrite && len(in.Tags) > 0 {
		return nil, errorf("ValidationException", "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.ssm.params[in.Name]
	if exists && !in.Overwrite {
		return nil, errorf("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	}
	typ, key, desc := in.Type, in.KeyID, in.Description
	if exists {
		if typ == "" {
			typ = old.typ
		}
		if key == "" && typ == old.typ {
			key = old.keyID
		}
		if desc == "" {
			desc = old.description
		}
	}
	if typ == "" {
		return nil, errorf("ValidationException", "A parameter type is required when you create a parameter.")
	}
	s.putParameterLocked(Parameter{Name: in.Name, Type: typ, Value: in.Value, KeyID: key, Description: desc})
	return map[string]any{"Version": s.ssm.params[in.Name].version, "Tier": "Standard"}, nil
}

func (s *Server) ssmDeleteParameter(r *request) (any, error) {
	var in struct {
		Name string `json:"Name"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ssm.params[in.Name]; !ok {
		return nil, errorf("ParameterNotFound", "")
	}
	s.ssm.delete(in.Name)
	return struct{}{}, nil
}

// BenchServices are the sub-paths SeedParameters spreads parameters over.
var BenchServices = []string{
	"api", "billing", "catalog", "checkout", "emails", "frontend", "gateway", "inventory",
	"jobs", "kafka", "ledger", "media", "notifications", "orders", "payments", "search",
}

// SeedParameters adds n parameters under prefix for benchmarks, spread over sub-paths as
// an account's usually are: PREFIX/SERVICE/{app,database,redis,third-party}/param-NNNNN
// over the 16 services of BenchServices, String and SecureString alternating. It returns
// the names, sorted.
func (s *Server) SeedParameters(prefix string, n int) []string {
	prefix = normPath(prefix)
	groups := []string{"app", "database", "redis", "third-party"}
	names := make([]string, 0, n)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for i := range n {
		name := fmt.Sprintf("%s/%s/%s/param-%05d", prefix, BenchServices[i%len(BenchServices)], groups[(i/16)%len(groups)], i)
		typ := "String"
		if i%2 == 1 {
			typ = "SecureString"
		}
		s.putParameterLocked(Parameter{Name: name, Type: typ, Value: fmt.Sprintf("bench-value-%05d", i),
			LastModified: now.Add(-time.Duration(i) * time.Second)})
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
