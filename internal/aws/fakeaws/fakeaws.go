// Package fakeaws is an in-process AWS fake that speaks the real wire protocols, so the real
// aws-sdk-go-v2 clients (and the AWS CLI) talk to it over HTTP. It backs demo mode
// (`ecswiz --demo`), tests and benchmarks.
//
// One HTTP server serves every service:
//
//   - awsJson1_1 (POST, X-Amz-Target "Prefix.Operation", JSON body, errors as
//     {"__type":"Code","message":"..."} with HTTP 400, timestamps as epoch seconds) for
//     ECS (AmazonEC2ContainerServiceV20141113), SSM (AmazonSSM), CloudWatch Logs
//     (Logs_20140328) and ECR (AmazonEC2ContainerRegistry_V20150921);
//   - awsQuery (form POST Action=..&Version=.., XML <OpResponse><OpResult>, errors as
//     <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>,
//     timestamps ISO 8601) for IAM and STS, told apart by the credential scope of the
//     Authorization header, else by the Action name.
//
// These are the protocols aws-sdk-go-v2 v1.48 (service/*/api_client.go: awsjson.New11,
// awsquery.New) and botocore 1.43 (metadata.protocols) use for these services.
//
// Use:
//
//	srv := fakeaws.New(fakeaws.WithDemo())
//	url, err := srv.Start()          // http://127.0.0.1:PORT
//	defer srv.Close()
//	cfg := srv.Config()              // aws.Config: region, static credentials, BaseEndpoint
//	client := ssm.NewFromConfig(cfg)
//
// or mount srv (an http.Handler) on an httptest.Server and build the config by hand with
// Credentials and the server's URL as BaseEndpoint.
//
// Faults: Fail, Hang and Malformed inject errors, hangs and spoiled answers per
// operation; WithLatency and WithThrottle slow calls down and throttle them the way AWS
// does (ThrottlingException "Rate exceeded", HTTP 400, which the SDK retries). Every call is recorded (Calls) with its decoded request,
// so tests can assert page sizes, batch sizes and that WithDecryption was never sent.
package fakeaws

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Static credentials the fake accepts (it accepts any, and checks no signature).
const (
	AccessKeyID     = "fake"
	SecretAccessKey = "fake"
)

// Credentials is a provider of the static credentials "fake"/"fake" for clients of the fake.
var Credentials aws.CredentialsProvider = aws.CredentialsProviderFunc(
	func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey, Source: "fakeaws"}, nil
	})

// Defaults of a new Server; the demo account uses them too.
const (
	DefaultAccount = "123456789012"
	DefaultRegion  = "eu-west-2"
)

// Service names as used in Call.Service, Throttle.Service and Fail.
const (
	ServiceECS  = "ecs"
	ServiceSSM  = "ssm"
	ServiceLogs = "logs"
	ServiceECR  = "ecr"
	ServiceIAM  = "iam"
	ServiceSTS  = "sts"
)

// jsonTargets maps an X-Amz-Target prefix to its service.
var jsonTargets = map[string]string{
	"AmazonEC2ContainerServiceV20141113":   ServiceECS,
	"AmazonSSM":                            ServiceSSM,
	"Logs_20140328":                        ServiceLogs,
	"AmazonEC2ContainerRegistry_V20150921": ServiceECR,
}

// stsActions are the query actions that belong to STS rather than IAM.
var stsActions = map[string]bool{
	"GetCallerIdentity": true, "AssumeRole": true, "GetSessionToken": true,
	"AssumeRoleWithWebIdentity": true, "GetAccessKeyInfo": true, "DecodeAuthorizationMessage": true,
	"GetFederationToken": true, "AssumeRoleWithSAML": true,
}

// Option configures a Server.
type Option func(*options)

type options struct {
	account   string
	region    string
	callerARN string
	latency   time.Duration
	opLatency map[string]time.Duration
	throttles []Throttle
	clock     func() time.Time
	demo      bool
}

// WithAccount sets the account ID (default 123456789012).
func WithAccount(id string) Option { return func(o *options) { o.account = id } }

// WithRegion sets the Region used in ARNs and log options (default eu-west-2).
func WithRegion(region string) Option { return func(o *options) { o.region = region } }

// WithCallerARN sets the identity STS GetCallerIdentity returns
// (default arn:aws:iam::ACCOUNT:user/demo).
func WithCallerARN(arn string) Option { return func(o *options) { o.callerARN = arn } }

// WithLatency delays every call by d before it is handled (the delay ends early when the
// request is cancelled).
func WithLatency(d time.Duration) Option { return func(o *options) { o.latency = d } }

// WithOperationLatency delays calls of one operation (e.g. "GetParametersByPath") by d,
// instead of the WithLatency delay.
func WithOperationLatency(operation string, d time.Duration) Option {
	return func(o *options) { o.opLatency[operation] = d }
}

// Throttle is a token bucket: Rate calls a second sustained, Burst at once. It applies to
// the calls of Service ("" = all services) whose operation is in Operations (empty = all).
// Each Throttle has its own bucket, so a Throttle per service gives per-service limits and
// one without Service a shared limit. A call over the limit fails with ThrottlingException
// "Rate exceeded" (HTTP 400; IAM and STS: code Throttling), which the SDK retries.
type Throttle struct {
	Service    string
	Operations []string
	Rate       float64
	Burst      int
}

// SSMThrottle is about what AWS allows per account and Region for the GetParameter* calls.
var SSMThrottle = Throttle{Service: ServiceSSM, Operations: []string{"GetParameter", "GetParameters", "GetParametersByPath"}, Rate: 40, Burst: 40}

// DescribeParametersThrottle is the token bucket issue 7's parameter-discovery scenario
// puts on DescribeParameters: 40 calls a second, 40 at once. AWS publishes no figure for
// this call; 40 a second is what it allows the GetParameter* calls (SSMThrottle). As
// with every Throttle, a call refused for its rate spends no token: AWS does not charge
// the calls it rejects.
var DescribeParametersThrottle = Throttle{Service: ServiceSSM, Operations: []string{"DescribeParameters"}, Rate: 40, Burst: 40}

// WithThrottle adds a token bucket; see Throttle.
func WithThrottle(t Throttle) Option {
	return func(o *options) { o.throttles = append(o.throttles, t) }
}

// WithClock sets the clock used for timestamps (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithDemo seeds the demo account (see demo.go) when the server is created.
func WithDemo() Option { return func(o *options) { o.demo = true } }

// Server is the fake. It is an http.Handler; Start also serves it on a loopback port.
// It is safe for concurrent use.
type Server struct {
	opts options

	mu      sync.Mutex
	ssm     ssmState
	ecs     ecsState
	logs    logsState
	ecr     ecrState
	iam     iamState
	calls   []Call
	seq     int
	faults  []*fault
	buckets []*bucket

	done      chan struct{}
	closeOnce sync.Once
	httpSrv   *http.Server
	url       string
}

// New returns a server with empty state (or the demo account with WithDemo).
func New(opts ...Option) *Server {
	o := options{account: DefaultAccount, region: DefaultRegion, clock: time.Now, opLatency: map[string]time.Duration{}}
	for _, fn := range opts {
		fn(&o)
	}
	if o.callerARN == "" {
		o.callerARN = "arn:aws:iam::" + o.account + ":user/demo"
	}
	s := &Server{opts: o, done: make(chan struct{})}
	s.ssm.init()
	s.ecs.init()
	s.logs.init()
	s.ecr.init()
	s.iam.init()
	for _, t := range o.throttles {
		s.buckets = append(s.buckets, newBucket(t))
	}
	if o.demo {
		s.seedDemo()
	}
	return s
}

// NewDemo is New(WithDemo(), opts...).
func NewDemo(opts ...Option) *Server { return New(append([]Option{WithDemo()}, opts...)...) }

// Account returns the account ID.
func (s *Server) Account() string { return s.opts.account }

// Region returns the Region.
func (s *Server) Region() string { return s.opts.region }

func (s *Server) now() time.Time { return s.opts.clock() }

// Start serves the fake on 127.0.0.1 on a free port and returns its URL.
func (s *Server) Start() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpSrv != nil {
		return s.url, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen on a loopback port: %w", err)
	}
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + ln.Addr().String()
	go func() { _ = s.httpSrv.Serve(ln) }()
	return s.url, nil
}

// Start creates a server and starts it; call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := New(opts...)
	if _, err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// URL returns the URL Start listens on ("" before Start).
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Close stops serving and releases hung calls. It does not wait for handlers.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	if srv != nil {
		return srv.Close()
	}
	return nil
}

// Handler returns the server as an http.Handler (e.g. for httptest.NewServer).
func (s *Server) Handler() http.Handler { return s }

// Config returns an aws.Config for clients of the started server: its Region, the static
// Credentials and BaseEndpoint = URL. Call Start first.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       s.opts.region,
		Credentials:  Credentials,
		BaseEndpoint: aws.String(s.URL()),
	}
}

// Call is one recorded request.
type Call struct {
	Seq       int
	Time      time.Time
	Service   string // ecs, ssm, logs, ecr, iam, sts
	Operation string // e.g. DescribeParameters
	Body      []byte
	// Params is the JSON body of a JSON-protocol call (numbers as float64).
	Params map[string]any
	// Form holds the form values of a query-protocol call (IAM, STS).
	Form url.Values
	// ErrorCode is the error code returned, "" on success or while the call runs.
	ErrorCode string
}

// Has reports whether the top-level request parameter key was sent.
func (c Call) Has(key string) bool {
	if c.Params != nil {
		_, ok := c.Params[key]
		return ok
	}
	_, ok := c.Form[key]
	return ok
}

// String returns a top-level string parameter ("" when absent).
func (c Call) String(key string) string {
	if c.Params != nil {
		s, _ := c.Params[key].(string)
		return s
	}
	return c.Form.Get(key)
}

// Int returns a top-level number parameter (0 when absent).
func (c Call) Int(key string) int {
	if c.Params != nil {
		f, _ := c.Params[key].(float64)
		return int(f)
	}
	var n int
	fmt.Sscan(c.Form.Get(key), &n)
	return n
}

// Bool returns a top-level boolean parameter (false when absent).
func (c Call) Bool(key string) bool {
	if c.Params != nil {
		b, _ := c.Params[key].(bool)
		return b
	}
	return c.Form.Get(key) == "true"
}

// Len returns the length of a top-level list parameter (JSON protocols).
func (c Call) Len(key string) int {
	l, _ := c.Params[key].([]any)
	return len(l)
}

// Calls returns a copy of the request log.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the recorded calls of one operation.
func (s *Server) CallsTo(operation string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Operation == operation {
			out = append(out, c)
		}
	}
	return out
}

// ResetCalls empties the request log.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// FaultOption refines Fail and Hang.
type FaultOption func(*fault)

// Times limits a fault to its first n matching calls.
func Times(n int) FaultOption { return func(f *fault) { f.times = n } }

// When limits a fault to calls the predicate accepts (e.g. only for a given Path).
func When(match func(Call) bool) FaultOption { return func(f *fault) { f.match = match } }

// WithStatus sets the HTTP status of an injected error (default: by code, mostly 400).
func WithStatus(status int) FaultOption { return func(f *fault) { f.status = status } }

// AfterWork makes the fault strike after the call has done its work: the answer is
// lost, not the request (a registration made, then a 500 or a dropped connection).
func AfterWork() FaultOption { return func(f *fault) { f.afterWork = true } }

type fault struct {
	operation string
	code      string
	message   string
	status    int
	hang      bool
	malformed Malformation
	afterWork bool
	times     int // 0 = always
	hits      int
	match     func(Call) bool
}

// Fail makes calls of operation (e.g. "DescribeParameters"; "*" for all) fail with the error
// code and message, e.g. Fail("DescribeParameters", "AccessDeniedException", "User: ... is
// not authorized"). Faults are checked in the order added; throttling comes first.
func (s *Server) Fail(operation, code, message string, opts ...FaultOption) {
	f := &fault{operation: operation, code: code, message: message}
	for _, o := range opts {
		o(f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// Hang makes calls of operation block until the request is cancelled (or the server
// closed), then answer 499 RequestCanceled. With AfterWork the call does its work first:
// the registration is made, and its answer never comes.
func (s *Server) Hang(operation string, opts ...FaultOption) {
	f := &fault{operation: operation, hang: true}
	for _, o := range opts {
		o(f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// Malformation is how Malformed spoils an answer.
type Malformation int

const (
	// BrokenBody is a 200 whose body is cut off half-way: not valid JSON (or XML for
	// IAM and STS), as a proxy or a dropped connection leaves it.
	BrokenBody Malformation = iota + 1
	// WrongShape is a 200 whose body is valid JSON (or XML) but not what the operation
	// answers: every top-level field holds a value of another type (a string where a list
	// belongs, a list where an object does), as a wrong endpoint or API version gives.
	WrongShape
)

func (m Malformation) String() string {
	switch m {
	case BrokenBody:
		return "broken body"
	case WrongShape:
		return "wrong shape"
	}
	return fmt.Sprintf("Malformation(%d)", int(m))
}

// Malformed makes calls of operation ("*" for all) answer 200 with a body spoiled as
// how says. The call does its work first (a registration is made, a parameter stored):
// only the answer is spoiled.
func (s *Server) Malformed(operation string, how Malformation, opts ...FaultOption) {
	f := &fault{operation: operation, malformed: how}
	for _, o := range opts {
		o(f)
	}
	f.afterWork = true
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// apiError is an AWS error response.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errorf(code, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

func statusFor(code string) int {
	switch {
	case code == "NoSuchEntity":
		return http.StatusNotFound
	case code == "AccessDenied" || code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch":
		return http.StatusForbidden
	case strings.Contains(code, "Internal") || code == "ServerException":
		return http.StatusInternalServerError
	case strings.Contains(code, "ServiceUnavailable"):
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

type request struct {
	ctx     context.Context
	service string
	op      string
	body    []byte
	form    url.Values
}

func (r *request) decode(v any) error {
	if len(bytes.TrimSpace(r.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return errorf("SerializationException", "cannot decode request: %v", err)
	}
	return nil
}

type jsonHandler func(s *Server, r *request) (any, error)

// queryHandler returns the content of the <OpResult> element (an XML-marshalable struct)
// or nil for an empty result.
type queryHandler func(s *Server, r *request) (any, error)

var (
	jsonHandlers  = map[string]map[string]jsonHandler{}
	queryHandlers = map[string]map[string]queryHandler{}
)

func registerJSON(service string, ops map[string]jsonHandler) { jsonHandlers[service] = ops }

func registerQuery(service string, ops map[string]queryHandler) { queryHandlers[service] = ops }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	body, err := io.ReadAll(io.LimitReader(hr.Body, 16<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	reqID := newRequestID()
	r := &request{ctx: hr.Context(), body: body}
	call := Call{Time: time.Now(), Body: body}
	jsonProto := false
	if target := hr.Header.Get("X-Amz-Target"); target != "" {
		jsonProto = true
		prefix, op, _ := strings.Cut(target, ".")
		r.service, r.op = jsonTargets[prefix], op
		var params map[string]any
		if json.Unmarshal(body, &params) == nil {
			call.Params = params
		}
		if call.Params == nil {
			call.Params = map[string]any{}
		}
	} else {
		form, _ := url.ParseQuery(string(body))
		for k, v := range hr.URL.Query() {
			form[k] = append(form[k], v...)
		}
		r.form = form
		r.op = form.Get("Action")
		r.service = queryService(hr.Header.Get("Authorization"), r.op)
		call.Form = form
	}
	call.Service, call.Operation = r.service, r.op
	seq, call := s.record(call)

	var out any
	apiErr := s.prepare(r, call)
	if apiErr == nil {
		out, err = s.dispatch(r, jsonProto)
		if err != nil {
			if !errors.As(err, &apiErr) {
				apiErr = &apiError{status: 500, code: "InternalFailure", message: err.Error()}
			}
		}
	}
	if apiErr == nil {
		s.mu.Lock()
		hit := s.faultLocked(r, call, true)
		s.mu.Unlock()
		switch {
		case hit == nil:
		case hit.hang:
			// The work is done; the answer never comes.
			select {
			case <-r.ctx.Done():
			case <-s.done:
			}
			apiErr = &apiError{status: 499, code: "RequestCanceled", message: "request cancelled while hanging"}
		case hit.malformed != 0:
			s.setCallError(seq, "Malformed:"+hit.malformed.String())
			writeMalformed(w, reqID, r.service, r.op, jsonProto, hit.malformed, out)
			return
		default:
			apiErr = &apiError{status: hit.status, code: hit.code, message: hit.message}
		}
	}
	if apiErr != nil {
		s.setCallError(seq, apiErr.code)
		if apiErr.status == 0 {
			apiErr.status = statusFor(apiErr.code)
		}
		if jsonProto {
			writeJSONError(w, reqID, apiErr)
		} else {
			writeQueryError(w, reqID, apiErr)
		}
		return
	}
	if jsonProto {
		writeJSON(w, reqID, out)
	} else {
		writeQuery(w, reqID, r.service, r.op, out)
	}
}

func queryService(authorization, action string) string {
	// Credential=AKID/20240101/us-east-1/sts/aws4_request
	if _, cred, ok := strings.Cut(authorization, "Credential="); ok {
		cred, _, _ = strings.Cut(cred, ",")
		parts := strings.Split(cred, "/")
		if len(parts) >= 5 {
			switch parts[3] {
			case ServiceIAM, ServiceSTS:
				return parts[3]
			}
		}
	}
	if stsActions[action] {
		return ServiceSTS
	}
	return ServiceIAM
}

func (s *Server) dispatch(r *request, jsonProto bool) (any, error) {
	if jsonProto {
		if h, ok := jsonHandlers[r.service][r.op]; ok {
			return h(s, r)
		}
		return nil, errorf("UnknownOperationException", "operation %q is not supported by fakeaws (service %q)", r.op, r.service)
	}
	if h, ok := queryHandlers[r.service][r.op]; ok {
		return h(s, r)
	}
	return nil, &apiError{status: 400, code: "InvalidAction", message: fmt.Sprintf("Could not find operation %s for version %s", r.op, r.form.Get("Version"))}
}

func (s *Server) record(c Call) (int, Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	c.Seq = s.seq
	s.calls = append(s.calls, c)
	return c.Seq, c
}

func (s *Server) setCallError(seq int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// ResetCalls may have emptied the log meanwhile.
	for i := len(s.calls) - 1; i >= 0; i-- {
		if s.calls[i].Seq == seq {
			s.calls[i].ErrorCode = code
			return
		}
	}
}

// prepare applies latency, throttling and injected faults.
func (s *Server) prepare(r *request, call Call) *apiError {
	d, ok := s.opts.opLatency[r.op]
	if !ok {
		d = s.opts.latency
	}
	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
			return &apiError{status: 499, code: "RequestCanceled", message: "request cancelled"}
		case <-s.done:
			t.Stop()
		}
	}
	s.mu.Lock()
	now := time.Now()
	for _, b := range s.buckets {
		if b.applies(r.service, r.op) && !b.take(now) {
			s.mu.Unlock()
			if r.service == ServiceIAM || r.service == ServiceSTS {
				return &apiError{status: 400, code: "Throttling", message: "Rate exceeded"}
			}
			return &apiError{status: 400, code: "ThrottlingException", message: "Rate exceeded"}
		}
	}
	hit := s.faultLocked(r, call, false)
	s.mu.Unlock()
	if hit == nil {
		return nil
	}
	if hit.hang {
		select {
		case <-r.ctx.Done():
		case <-s.done:
		}
		return &apiError{status: 499, code: "RequestCanceled", message: "request cancelled while hanging"}
	}
	return &apiError{status: hit.status, code: hit.code, message: hit.message}
}

// faultLocked finds the fault that strikes this call, before its work or after it.
func (s *Server) faultLocked(r *request, call Call, afterWork bool) *fault {
	for _, f := range s.faults {
		if f.afterWork != afterWork || f.operation != "*" && f.operation != r.op {
			continue
		}
		if f.times > 0 && f.hits >= f.times {
			continue
		}
		if f.match != nil && !f.match(call) {
			continue
		}
		f.hits++
		return f
	}
	return nil
}

// bucket is a token bucket; guarded by Server.mu.
type bucket struct {
	t      Throttle
	tokens float64
	last   time.Time
}

func newBucket(t Throttle) *bucket {
	if t.Burst < 1 {
		t.Burst = 1
	}
	return &bucket{t: t, tokens: float64(t.Burst)}
}

func (b *bucket) applies(service, op string) bool {
	if b.t.Service != "" && b.t.Service != service {
		return false
	}
	return len(b.t.Operations) == 0 || slices.Contains(b.t.Operations, op)
}

func (b *bucket) take(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens += now.Sub(b.last).Seconds() * b.t.Rate
		if b.tokens > float64(b.t.Burst) {
			b.tokens = float64(b.t.Burst)
		}
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func writeJSON(w http.ResponseWriter, reqID string, out any) {
	if out == nil {
		out = struct{}{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeJSONError(w, reqID, &apiError{status: 500, code: "InternalFailure", message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// writeMalformed answers 200 with a body spoiled as how says; out is the real answer.
func writeMalformed(w http.ResponseWriter, reqID, service, op string, jsonProto bool, how Malformation, out any) {
	var body []byte
	switch {
	case jsonProto && how == WrongShape:
		body = wrongShapeJSON(out)
	case jsonProto:
		body = []byte(`{"__type":`)
	case how == WrongShape:
		// Well-formed XML, but its result holds elements where text belongs and text
		// where a list of members belongs.
		body = fmt.Appendf(nil, `<%sResponse xmlns="%s"><%sResult><Account><Id>1</Id></Account><Arn><Value>x</Value></Arn>`+
			`<Roles>not a list</Roles><EvaluationResults>not a list</EvaluationResults><IsTruncated>perhaps</IsTruncated>`+
			`</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
			op, queryNamespaces[service], op, op, reqID, op)
	default:
		body = fmt.Appendf(nil, `<%sResponse xmlns="%s"><%sResult><Arn>arn:aws:`, op, queryNamespaces[service], op)
	}
	if jsonProto {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	} else {
		w.Header().Set("Content-Type", "text/xml")
	}
	w.Header().Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// wrongShapeJSON is out as JSON with every top-level value swapped for one of another
// type; an answer with no field becomes a list, which no operation answers.
func wrongShapeJSON(out any) []byte {
	var fields map[string]any
	if b, err := json.Marshal(out); err == nil {
		_ = json.Unmarshal(b, &fields)
	}
	if len(fields) == 0 {
		return []byte(`["not", "an", "object"]`)
	}
	for k, v := range fields {
		switch v.(type) {
		case string:
			fields[k] = 42
		case []any:
			fields[k] = "not a list"
		case map[string]any:
			fields[k] = []any{"not", "an", "object"}
		default:
			fields[k] = map[string]any{"not": "a scalar"}
		}
	}
	b, _ := json.Marshal(fields)
	return b
}

func writeJSONError(w http.ResponseWriter, reqID string, e *apiError) {
	b, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", reqID)
	w.Header().Set("X-Amzn-Errortype", e.code)
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

var queryNamespaces = map[string]string{
	ServiceIAM: "https://iam.amazonaws.com/doc/2010-05-08/",
	ServiceSTS: "https://sts.amazonaws.com/doc/2011-06-15/",
}

func writeQuery(w http.ResponseWriter, reqID, service, op string, result any) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<%sResponse xmlns="%s">`, op, queryNamespaces[service])
	if result != nil {
		enc := xml.NewEncoder(&buf)
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: op + "Result"}}); err != nil {
			writeQueryError(w, reqID, &apiError{status: 500, code: "InternalFailure", message: err.Error()})
			return
		}
	}
	fmt.Fprintf(&buf, `<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`, reqID, op)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func writeQueryError(w http.ResponseWriter, reqID string, e *apiError) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	var msg bytes.Buffer
	_ = xml.EscapeText(&msg, []byte(e.message))
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(e.status)
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		typ, e.code, msg.String(), reqID)
}
