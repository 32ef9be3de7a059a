<?php
/**
 * The "Pay-link button" block's server side: its front end (the same renderer as the shortcode, inside the block
 * wrapper) for attributes an author, or a hand-edited post, could store; and the data the editor script gets.
 *
 * @package PayLink
 */

final class BlockTest extends PayLinkTestCase {

	private function block( array $attributes ): string {
		return $this->render( '<!-- wp:pay-link/button ' . wp_json_encode( $attributes ) . ' /-->' );
	}

	public function test_the_block_renders_the_element_inside_its_wrapper(): void {
		$this->assertSame(
			'<div class="wp-block-pay-link-button"><pay-link-button proxy="https://pay.example.com" product="chai-tin" theme="dark" label="Add to cart"><a slot="fallback" href="https://pay.example.com/buy/chai-tin">Add to cart</a></pay-link-button></div>',
			$this->block( array( 'product' => 'chai-tin', 'label' => 'Add to cart', 'theme' => 'dark' ) )
		);
	}

	public function test_align_and_margin_supports_reach_the_wrapper_only(): void {
		$html     = $this->block( array( 'product' => 'chai-tin', 'align' => 'center', 'style' => array( 'spacing' => array( 'margin' => array( 'top' => '2rem' ) ) ) ) );
		$elements = $this->elements( $html );
		$this->assertSame( 'div', $elements[0]['tag'] );
		$classes = explode( ' ', $elements[0]['attributes']['class'] );
		sort( $classes );
		$this->assertSame( array( 'aligncenter', 'wp-block-pay-link-button' ), $classes );
		$this->assertSame( 'margin-top:2rem;', $elements[0]['attributes']['style'] );
		$this->assertSame( array( 'proxy', 'product' ), array_keys( $elements[1]['attributes'] ) );
	}

	public function test_hostile_block_attributes_are_cleaned_like_the_shortcode(): void {
		$html = $this->block( array( 'product' => 'chai-tin', 'label' => '"><script>alert(1)</script>', 'theme' => '" onload="alert(1)', 'presentation' => 'javascript:alert(1)' ) );
		$this->assertStringNotContainsString( '<script', $html );
		$button = $this->button( $html );
		$this->assertSame( array( 'proxy', 'product', 'label' ), array_keys( $button['element'] ) );
		$this->assertSame( '">', $button['element']['label'] );

		$this->assertSame( '', $this->block( array( 'product' => '"><img src=x onerror=alert(1)>' ) ) );
		$this->assertSame( '', $this->block( array( 'intent' => 'pli1.a"><script>' ) ) );
	}

	public function test_attributes_of_the_wrong_type_fall_back_to_their_defaults(): void {
		// A post edited by hand (or by another plugin) can hold any JSON; block.json's types are enforced on render.
		$this->assertSame( '', $this->block( array( 'product' => array( 'chai-tin' ) ) ) );
		$this->assertSame( '', $this->block( array( 'product' => 42 ) ), 'a number is not a product id string' );
		$button = $this->button( $this->block( array( 'product' => 'chai-tin', 'label' => array( '<script>' ), 'theme' => true, 'presentation' => 7 ) ) );
		$this->assertSame( array( 'proxy', 'product' ), array_keys( $button['element'] ) );
	}

	public function test_the_block_is_registered_from_block_json_with_api_version_3(): void {
		$type = WP_Block_Type_Registry::get_instance()->get_registered( 'pay-link/button' );
		$this->assertInstanceOf( WP_Block_Type::class, $type );
		$this->assertSame( 3, $type->api_version );
		$this->assertSame( 'pay_link_render_block', $type->render_callback );
		$this->assertSame( array( 'pay-link-block-editor' ), (array) $type->editor_script_handles );
		$this->assertSame( array( '', 'auto', 'popup', 'tab', 'redirect' ), $type->attributes['presentation']['enum'] );
	}

	public function test_the_editor_data_is_json_that_cannot_close_its_script_tag(): void {
		$config                        = self::CONFIG;
		$config['products'][0]['name'] = '</script><script>alert(1)</script>';
		update_option( PAY_LINK_CONFIG_OPTION, $config, false );
		wp_scripts()->registered['pay-link-block-editor']->extra['before'] = array();
		pay_link_editor_data();
		$inline = implode( "\n", wp_scripts()->get_data( 'pay-link-block-editor', 'before' ) );
		$this->assertStringStartsWith( 'window.payLinkEditor = {', $inline );
		$this->assertStringNotContainsStringIgnoringCase( '</script', $inline );
		$json = json_decode( substr( $inline, strlen( 'window.payLinkEditor = ' ), -1 ), true );
		$this->assertSame( 'https://pay.example.com', $json['proxyUrl'] );
		$this->assertTrue( $json['testMode'] );
		$this->assertSame( '</script><script>alert(1)</script>', $json['products'][0]['name'], 'the name arrives intact, as data' );
		$this->assertSame( array( 'chai-tin', 'bali-kopi' ), array_column( $json['products'], 'id' ) );
	}
}
