// SPDX-License-Identifier: MIT
// What the simulated agent says: a Claude-Code-sized system prompt, two tools with realistic schemas,
// user requests, 25-line tool outputs and Claude Code's mid-conversation system messages. Everything
// here comes from a seeded generator, so a run differs from the last one only by what the model says.

// mulberry32: small, seedable, good enough to pick words.
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random, list) => list[Math.floor(random() * list.length)];

const verbs = ['refactor', 'rename', 'test', 'document', 'profile', 'delete', 'move', 'review', 'format', 'build'];
const things = ['the parser', 'a header file', 'the request decoder', 'the SSE encoder', 'the settings dialog',
  'a failing unit test', 'the CMake target', 'the release notes', 'the router', 'the token estimator'];
const advice = ['read the surrounding code before changing it', 'keep the change as small as the task allows',
  'run the narrowest test that covers it', 'say what you changed in one sentence',
  'prefer the project\'s existing helpers over new ones', 'never invent file paths; list them first',
  'ask before deleting anything the user did not mention', 'quote the exact error when a command fails',
  'check the build still compiles with warnings as errors', 'leave unrelated files untouched'];
const files = ['core/api/requestdecoder.cpp', 'core/sse/sseeventencoder.cpp', 'ui/mainwindow.cpp',
  'core/routing/router.cpp', 'tests/unit/tst_sse.cpp', 'app/commandline.cpp', 'core/http/httpserver.cpp',
  'core/reply/usage.h', 'docs/protocol.md', 'CMakeLists.txt'];

// About 2,100 tokens with the Qwen2 tokenizer (the harness prints the exact count).
export function systemPrompt(sections = 11) {
  const random = seededRandom(2100);
  const parts = [
    'You are a coding agent working in a terminal on the user\'s repository. You answer briefly, ' +
      'use the tools you are given to look at files and run commands, and never guess at the contents ' +
      'of a file you have not read.',
  ];
  for (let s = 1; s <= sections; ++s) {
    const lines = [`# Guideline ${s}: ${pick(random, verbs)} ${pick(random, things)}`];
    for (let i = 0; i < 5; ++i) {
      lines.push(`- When asked to ${pick(random, verbs)} ${pick(random, things)} in ${pick(random, files)}, ` +
        `${pick(random, advice)}, then ${pick(random, advice)}.`);
    }
    parts.push(lines.join('\n'));
  }
  parts.push('Environment: working directory /home/dev/switchboard, platform linux, a git repository.');
  return parts.join('\n\n');
}

// Shaped like Claude Code's Bash and Read tools (the descriptions are ours).
export const tools = [
  {
    name: 'Bash',
    description: 'Runs a shell command in the project directory and returns its standard output and error. ' +
      'Use it for git, builds, tests and listing files; prefer Read for reading a file.',
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command to run' },
        timeout: { type: 'number', description: 'Optional timeout in milliseconds (at most 600000)' },
        description: { type: 'string', description: 'What the command does, in five to ten words' },
        run_in_background: { type: 'boolean', description: 'Run it in the background and report when done' },
      },
      required: ['command'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'Read',
    description: 'Reads a file from the local filesystem and returns it with line numbers. ' +
      'Give an absolute path; offset and limit read part of a long file.',
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The absolute path of the file to read' },
        offset: { type: 'number', description: 'The line number to start reading from' },
        limit: { type: 'number', description: 'The number of lines to read' },
      },
      required: ['file_path'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
];

export function userRequest(turn) {
  const random = seededRandom(1000 + turn);
  return `Please ${pick(random, verbs)} ${pick(random, things)} in ${pick(random, files)}; ` +
    `${pick(random, advice)}.`;
}

// A follow-up the user types before the agent answered: the second of two consecutive user messages.
export function userAside(turn) {
  const random = seededRandom(3000 + turn);
  return `Also: ${pick(random, advice)} when you ${pick(random, verbs)} ${pick(random, things)}.`;
}

// 25 short lines of output, like `ls -s` or a numbered file listing, keyed by the call's id so that
// the same call always gets the same output. Short, so that nine turns fit the tiny model's 8k context.
export function toolOutput(toolUse) {
  let seed = 0;
  for (const c of toolUse.id) seed = (Math.imul(seed, 31) + c.charCodeAt(0)) >>> 0;
  const random = seededRandom(seed);
  const lines = [];
  for (let i = 1; i <= 25; ++i) {
    if (toolUse.name === 'Read') {
      lines.push(`${String(i).padStart(6)}\t    ${pick(random, verbs)}(${pick(random, things).split(' ').at(-1)});`);
    } else {
      lines.push(`${String(Math.floor(random() * 900) + 4).padStart(4)} ${pick(random, files)}`);
    }
  }
  return lines.join('\n');
}

// Claude Code's two shapes of mid-conversation system message (role "system" inside `messages`).
export function systemNotice(turn) {
  if ((turn / 3) % 2 === 1) {
    return `<total_tokens>${200000 - turn * 4111} tokens left</total_tokens>`;
  }
  return '<task-notification>\n' +
    `<task-id>b${turn}7f3a</task-id>\n` +
    '<status>completed</status>\n' +
    `<summary>Background command "ctest -R tst_sse" completed (exit code 0)</summary>\n` +
    '</task-notification>';
}

// The user interrupts the answer to this turn: like Claude Code, the agent drops the partial answer
// and starts the next turn with "[Request interrupted by user]" and a new request, so the conversation
// holds consecutive user messages across two requests.
export const interruptedTurn = 4;

// The client messages that start turn `turn` (1-based), after the agent appended the previous answer
// (`previousAnswer` is undefined after an interrupted turn): the tool results if the model called
// tools, else a user request; after the interruption, its notice first; a second user message on
// turn 8; a system message on every third turn.
export function turnMessages(turn, previousAnswer) {
  const messages = [];
  const toolUses = (previousAnswer?.content ?? []).filter((block) => block.type === 'tool_use');
  if (turn === interruptedTurn + 1) messages.push({ role: 'user', content: '[Request interrupted by user]' });
  if (toolUses.length > 0) {
    messages.push({
      role: 'user',
      content: toolUses.map((use) => ({ type: 'tool_result', tool_use_id: use.id, content: toolOutput(use) })),
    });
  } else {
    messages.push({ role: 'user', content: userRequest(turn) });
  }
  if (turn === 8) messages.push({ role: 'user', content: userAside(turn) });
  if (turn % 3 === 0) messages.push({ role: 'system', content: systemNotice(turn) });
  return messages;
}
