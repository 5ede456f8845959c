//! `dos.chat.v1`, the demo's gRPC contract (`tests/proto/dos/chat/v1/chat.proto`),
//! written by hand: its messages with prost's derive, the paths of its methods, and
//! a client of `dos.chat.v1.Chat` — what `tonic-build` would generate from the
//! `.proto`, without a build script or `protoc`. Each field has the name, type and
//! tag of the `.proto`; clients in other languages compile their own copy of it
//! (`tests/sdk/check.py` does, in Python, and calls the demo with it).

use tonic::codegen::{http, Body, Bytes, StdError};

/// The service's full name.
pub const SERVICE: &str = "dos.chat.v1.Chat";

/// The path of `rpc ListModels`.
pub const LIST_MODELS: &str = "/dos.chat.v1.Chat/ListModels";

/// The path of `rpc CreateChatCompletion`.
pub const CREATE_CHAT_COMPLETION: &str = "/dos.chat.v1.Chat/CreateChatCompletion";

/// `message ListModelsRequest {}`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct ListModelsRequest {}

/// `message Model { string id = 1; uint32 context_length = 2; }`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Model {
    /// The model's id, for `model` in requests.
    #[prost(string, tag = "1")]
    pub id: String,
    /// Its context in tokens: the largest `max_tokens`.
    #[prost(uint32, tag = "2")]
    pub context_length: u32,
}

/// `message ListModelsResponse { repeated Model models = 1; }`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct ListModelsResponse {
    /// The public models.
    #[prost(message, repeated, tag = "1")]
    pub models: Vec<Model>,
}

/// `message ChatMessage { string role = 1; string content = 2; }`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct ChatMessage {
    /// `system`, `user`, `assistant` or `tool`.
    #[prost(string, tag = "1")]
    pub role: String,
    /// The text.
    #[prost(string, tag = "2")]
    pub content: String,
}

/// `message ChatCompletionRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ChatCompletionRequest {
    /// `string model = 1;` — empty is missing.
    #[prost(string, tag = "1")]
    pub model: String,
    /// `repeated ChatMessage messages = 2;`
    #[prost(message, repeated, tag = "2")]
    pub messages: Vec<ChatMessage>,
    /// `optional double temperature = 3;` — 0 to 2.
    #[prost(double, optional, tag = "3")]
    pub temperature: Option<f64>,
    /// `optional int32 max_tokens = 4;` — 0 to the model's context.
    #[prost(int32, optional, tag = "4")]
    pub max_tokens: Option<i32>,
}

/// `message ChatCompletion { string id = 1; string model = 2; string content = 3; }`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct ChatCompletion {
    /// `chatcmpl-` and a number (the numbering of the HTTP routes).
    #[prost(string, tag = "1")]
    pub id: String,
    /// The model that answered.
    #[prost(string, tag = "2")]
    pub model: String,
    /// The echo of the last message.
    #[prost(string, tag = "3")]
    pub content: String,
}

/// A client of `dos.chat.v1.Chat` over `T`, e.g. a `tonic::transport::Channel`:
/// what `tonic-build` generates, by hand.
#[derive(Debug, Clone)]
pub struct ChatClient<T> {
    inner: tonic::client::Grpc<T>,
}

impl<T> ChatClient<T>
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<StdError>,
    T::ResponseBody: Body<Data = Bytes> + Send + 'static,
    <T::ResponseBody as Body>::Error: Into<StdError> + Send,
{
    /// A client calling through `inner`.
    pub fn new(inner: T) -> Self {
        ChatClient {
            inner: tonic::client::Grpc::new(inner),
        }
    }

    /// `rpc ListModels(ListModelsRequest) returns (ListModelsResponse)`.
    ///
    /// # Errors
    /// The call's status.
    pub async fn list_models(
        &mut self,
        request: impl tonic::IntoRequest<ListModelsRequest>,
    ) -> Result<tonic::Response<ListModelsResponse>, tonic::Status> {
        self.unary(request.into_request(), LIST_MODELS).await
    }

    /// `rpc CreateChatCompletion(ChatCompletionRequest) returns (ChatCompletion)`.
    ///
    /// # Errors
    /// The call's status.
    pub async fn create_chat_completion(
        &mut self,
        request: impl tonic::IntoRequest<ChatCompletionRequest>,
    ) -> Result<tonic::Response<ChatCompletion>, tonic::Status> {
        self.unary(request.into_request(), CREATE_CHAT_COMPLETION)
            .await
    }

    async fn unary<M, R>(
        &mut self,
        request: tonic::Request<M>,
        path: &'static str,
    ) -> Result<tonic::Response<R>, tonic::Status>
    where
        M: prost::Message + Send + Sync + 'static,
        R: prost::Message + Default + Send + Sync + 'static,
    {
        self.inner.ready().await.map_err(|error| {
            tonic::Status::unavailable(format!("service not ready: {}", error.into()))
        })?;
        let path = http::uri::PathAndQuery::from_static(path);
        let codec = tonic_prost::ProstCodec::default();
        self.inner.unary(request, path, codec).await
    }
}
