//! The retry layer on the fake clock: attempt and operation limits, per-call
//! overrides and the attempt observer, in no wall time.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use wharf_transport::{
    Attempt, CallOptions, Error, ErrorKind, FakeTime, Provider, Request, Response, RetryConfig,
    Retrying, SwrClassifier, Time, Timeouts, Transport, UhubClassifier,
};

/// One scripted answer: after `stall` on the fake clock, `status` and `body`.
#[derive(Debug, Clone)]
struct Step {
    stall: Duration,
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static str,
}

fn answer(status: u16, body: &'static str) -> Step {
    Step {
        stall: Duration::ZERO,
        status,
        headers: Vec::new(),
        body,
    }
}

fn stalled(stall: Duration) -> Step {
    Step {
        stall,
        ..answer(200, "[\"late\"]")
    }
}

/// Answers from a script; stalls sleep on the fake clock, so they take no
/// wall time but move the clock the retry layer measures deadlines on.
#[derive(Debug)]
struct Script {
    time: FakeTime,
    steps: Mutex<VecDeque<Step>>,
}

impl Script {
    fn new(time: &FakeTime, steps: Vec<Step>) -> Self {
        Script {
            time: time.clone(),
            steps: Mutex::new(steps.into()),
        }
    }
}

#[async_trait]
impl Transport for Script {
    async fn send(&self, _request: Request) -> Result<Response, Error> {
        let step = self
            .steps
            .lock()
            .unwrap()
            .pop_front()
            .expect("script ran out");
        if !step.stall.is_zero() {
            self.time.sleep(step.stall).await;
        }
        let mut response = Response::new(step.status.try_into().unwrap(), step.body);
        for (name, value) in step.headers {
            response.headers.insert(name, value.parse().unwrap());
        }
        Ok(response)
    }
}

fn clock() -> FakeTime {
    FakeTime::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
}

fn swr(time: &FakeTime, steps: Vec<Step>) -> Retrying<Script> {
    Retrying::new(Script::new(time, steps), SwrClassifier)
        .with_time(Arc::new(time.clone()))
        .with_jitter_seed(1)
}

fn list() -> Request {
    Request::get(
        Provider::Swr,
        "list_repos",
        "https://swr.example/v2/manage/repos",
    )
}

/// Collects what an observer sees.
fn observed() -> (Arc<Mutex<Vec<Attempt>>>, CallOptions) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let options = CallOptions::default().with_observer(move |a: &Attempt| {
        sink.lock().unwrap().push(a.clone());
    });
    (seen, options)
}

#[tokio::test]
async fn a_stall_past_the_attempt_limit_times_out_on_the_fake_clock() {
    let time = clock();
    let client = swr(
        &time,
        vec![stalled(Duration::from_secs(45)), answer(200, "[1]")],
    );
    let wall = std::time::Instant::now();
    let response = client.send(list()).await.unwrap();
    assert_eq!(response.body, "[1]");
    assert!(wall.elapsed() < Duration::from_secs(1));
    // The stall, then one backoff.
    assert_eq!(time.sleeps()[0], Duration::from_secs(45));
    assert_eq!(time.sleeps().len(), 2);
}

#[tokio::test]
async fn the_operation_deadline_counts_waits_and_stalls_on_the_fake_clock() {
    let time = clock();
    let mut client = swr(&time, vec![answer(503, "{}"); 50]);
    client.retry.max_attempts = 50;
    client.retry.retry_timeout = Duration::from_secs(3600);
    client.retry.backoff.base = Duration::from_secs(10);
    client.retry.backoff.cap = Duration::from_secs(10);
    client.timeouts = Timeouts::default().with_operation(Duration::from_secs(35));
    let error = client.send(list()).await.unwrap_err();
    // Waits of 10 s: a fourth would end at 40 s, past the 35 s deadline.
    assert_eq!(error.attempts(), 4);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));

    // A stall that outlives what is left of the operation is an operation timeout.
    let time = clock();
    let mut client = swr(
        &time,
        vec![answer(503, "{}"), stalled(Duration::from_secs(100))],
    );
    client.timeouts = Timeouts::default()
        .with_attempt(Duration::from_secs(60))
        .with_operation(Duration::from_secs(30));
    let error = client.send(list()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OperationTimeout, "{error}");
    assert_eq!(error.attempts(), 2);
}

#[tokio::test]
async fn per_call_options_override_the_defaults_for_that_call_only() {
    let time = clock();
    let steps = vec![
        stalled(Duration::from_secs(20)),
        stalled(Duration::from_secs(20)),
        answer(500, "{}"),
    ];
    let client = Arc::new(swr(&time, steps));
    // A tight attempt limit, for this call: the 20 s stall times out; no retries.
    let tight = CallOptions::default()
        .with_attempt_timeout(Duration::from_secs(5))
        .with_retry(RetryConfig::disabled());
    let error = client.send(list().with_options(tight)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AttemptTimeout);
    assert_eq!(error.attempts(), 1);
    // The shared client's defaults (30 s attempts) still hold for the next call.
    let late = client.send(list()).await.unwrap();
    assert_eq!(late.body, "[\"late\"]");
    let error = client
        .send(list().with_options(CallOptions::default().with_retry(RetryConfig::disabled())))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn the_observer_sees_throttling_that_a_retry_hid() {
    let time = clock();
    let throttled = Step {
        headers: vec![("retry-after", "3")],
        ..answer(
            429,
            r#"{"errorCode":"SVCSTG.SWR.4290001","errorMessage":"slow"}"#,
        )
    };
    let client = swr(&time, vec![throttled, answer(503, "{}"), answer(200, "[]")]);
    let (seen, options) = observed();
    client.send(list().with_options(options)).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen[0].is_throttled());
    assert_eq!(seen[0].retry_after, Some(Duration::from_secs(3)));
    assert_eq!(seen[0].next_wait, Some(Duration::from_secs(3)));
    assert_eq!(seen[1].error, Some(ErrorKind::HttpStatus));
    assert!(seen[1].next_wait.is_some());
    assert!(seen[2].succeeded() && seen[2].next_wait.is_none());
    assert_eq!(seen[2].number, 3);
    assert_eq!(seen[2].status.map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn uhub_rate_limits_are_throttling_and_a_final_one_says_so() {
    let time = clock();
    let limited = answer(
        200,
        r#"{"RetCode":153,"Action":"GetRepoResponse","Message":"slow"}"#,
    );
    let script = Script::new(&time, vec![limited.clone(), limited]);
    let mut client = Retrying::new(script, UhubClassifier).with_time(Arc::new(time.clone()));
    client.retry.max_attempts = 2;
    let (seen, options) = observed();
    let request = Request::post(
        Provider::Uhub,
        "GetRepo",
        "https://api.ucloud.cn/",
        "Action=GetRepo",
    );
    let error = client
        .send(request.with_options(options))
        .await
        .unwrap_err();
    assert!(error.is_throttled() && error.is_transient(), "{error}");
    assert_eq!(error.code(), Some("153"));
    assert_eq!(error.attempts(), 2);
    let seen = seen.lock().unwrap();
    assert!(seen.iter().all(Attempt::is_throttled));
    assert_eq!(seen.last().unwrap().next_wait, None);
}
