// promotelint's preload for `serverless package` (NODE_OPTIONS=--require <this file>), run by
// promotelint/io/framework.py: the service's own framework runs offline, with no AWS credentials and
// no network.
//
// - The read-only calls `package` makes before a first deploy are answered the way AWS answers
//   them then, "Stack with id X does not exist": CloudFormation DescribeStacks (the framework core,
//   aws-sdk v2, comparing layer hashes) and ListStackResources (serverless-plugin-split-stacks,
//   @aws-sdk/client-cloudformation v3), and the other stack reads of the same kind.
// - Any other AWS call, and any network connection but to this machine, fails at once. Each
//   refusal is one stderr line starting with "promotelint-offline:" naming the call and, when the
//   stack shows it, the npm package (or local plugin file) that made it: promotelint reads it back
//   to name the plugin in its error.
'use strict';

const Module = require('module');
const net = require('net');
const path = require('path');

const MARK = 'promotelint-offline:';
const STACK_READS = new Set(['describeStacks', 'describeStackResource', 'describeStackResources',
  'listStackResources', 'getTemplate', 'DescribeStacksCommand', 'DescribeStackResourceCommand',
  'DescribeStackResourcesCommand', 'ListStackResourcesCommand', 'GetTemplateCommand']);
// Frames of these packages are the machinery, not the caller.
const MACHINERY = /^(serverless|osls|aws-sdk|@aws-sdk\/.+|@smithy\/.+|@serverless\/.+|bluebird|p-limit|promise-queue)$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '']);

function caller() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60; // the caller is below the SDK's or node's own frames
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  for (const frame of stack.split('\n').slice(1)) {
    const file = (frame.match(/\(?((?:[A-Za-z]:)?[\\/][^():]+):\d+:\d+\)?\s*$/) || [])[1];
    if (!file || file === __filename) continue;
    const pkg = (file.match(/.*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/) || [])[1];
    if (pkg) {
      const name = pkg.replace(/\\/g, '/');
      if (!MACHINERY.test(name)) return name;
    } else {
      return path.relative(process.cwd(), file).split(path.sep).join('/');
    }
  }
  return null;
}

function refuse(what) {
  const who = caller();
  const line = `${MARK} blocked ${what}${who ? ` from ${who}` : ''}`;
  process.stderr.write(`${line}\n`);
  return Object.assign(new Error(`${line} (promotelint runs the framework offline, without AWS credentials)`),
    { code: 'PromotelintOffline', statusCode: 403, retryable: false });
}

function notDeployed(stackName) {
  return Object.assign(new Error(`Stack with id ${stackName} does not exist`),
    { code: 'ValidationError', name: 'ValidationError', statusCode: 400, retryable: false });
}

function answer(service, operation, params) {
  const cloudformation = /^cloudformation$/i.test(String(service));
  if (cloudformation && STACK_READS.has(operation)) return notDeployed(params && params.StackName);
  return refuse(`AWS call ${service}.${operation}`);
}

// aws-sdk v2: every client's requests go through AWS.Service.prototype.makeRequest.
function patchV2(AWS) {
  const proto = AWS.Service.prototype;
  if (proto.__promotelint) return;
  proto.__promotelint = true;
  proto.makeRequest = function makeRequest(operation, params, callback) {
    const err = answer(this.serviceIdentifier, operation, params);
    if (typeof params === 'function') callback = params;
    if (typeof callback === 'function') process.nextTick(() => callback(err));
    const request = {
      promise: () => Promise.reject(err),
      send: (done) => done && process.nextTick(() => done(err)),
      on: () => request,
      abort: () => request,
    };
    return request;
  };
}

// AWS SDK v3: every client's commands go through the smithy Client.prototype.send.
function patchV3(smithy) {
  const proto = smithy.Client.prototype;
  if (proto.__promotelint) return;
  proto.__promotelint = true;
  proto.send = function send(command, ...rest) {
    const service = (this.config && this.config.serviceId) || this.constructor.name.replace(/Client$/, '');
    const err = answer(service, command && command.constructor && command.constructor.name,
      command && command.input);
    const callback = rest.find((arg) => typeof arg === 'function');
    if (callback) { process.nextTick(() => callback(err)); return undefined; }
    return Promise.reject(err);
  };
}

const load = Module._load;
Module._load = function _load(request, parent, isMain) {
  const exports = load.apply(this, arguments);
  if (exports && exports.Service && exports.Service.prototype
      && typeof exports.Service.prototype.makeRequest === 'function') patchV2(exports);
  if (exports && exports.Client && exports.Command && exports.Client.prototype
      && typeof exports.Client.prototype.send === 'function') patchV3(exports);
  return exports;
};

// Network: only this machine (IPC sockets, loopback) may be reached.
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let options = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof options !== 'object' || options === null) {
    options = typeof options === 'string' && Number.isNaN(Number(options))
      ? { path: options } : { port: options, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  }
  const host = String(options.host || 'localhost').replace(/^\[|\]$/g, '');
  if (options.path || LOOPBACK.has(host) || host.startsWith('127.')) return connect.apply(this, args);
  const err = Object.assign(refuse(`network connection to ${host}:${options.port}`), { code: 'ECONNREFUSED' });
  process.nextTick(() => this.destroy(err));
  return this;
};
