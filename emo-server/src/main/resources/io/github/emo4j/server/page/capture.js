'use strict';
// The microphone's samples, as they come (128 at a time), posted to the page, which sends them to the
// server. An AudioWorklet runs on the audio thread: nothing is lost while the page is busy.
class EmoCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor('emo-capture', EmoCapture);
