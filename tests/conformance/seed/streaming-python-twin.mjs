// The streaming example of the Llama Stack "Anthropic Messages API" page (the Python example as its TypeScript twin: text_stream is stream.on("text")).
import Anthropic from "@anthropic-ai/sdk";
const client = new Anthropic({
  baseURL: "http://localhost:8321/v1",
  apiKey: "fake",
});
const stream = client.messages.stream({
  model: "llama-3.3-70b",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Explain RAG in 3 sentences." }],
});
stream.on("text", (text) => process.stdout.write(text));
await stream.done();
